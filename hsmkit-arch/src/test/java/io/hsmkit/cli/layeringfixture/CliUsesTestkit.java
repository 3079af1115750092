package io.hsmkit.cli.layeringfixture;

import io.hsmkit.testkit.Vectors;

/** Forbidden on purpose (LayeringTest): test fixtures stay on the test side. */
public class CliUsesTestkit {
  Vectors vectors;
}
