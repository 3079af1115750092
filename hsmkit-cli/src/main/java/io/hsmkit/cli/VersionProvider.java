package io.hsmkit.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by Maven), or "development". */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = HsmkitCommand.class.getPackage().getImplementationVersion();
    return new String[] {"hsmkit " + (v == null ? "development" : v)};
  }
}
