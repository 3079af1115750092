package io.hsmkit.cli.support;

/**
 * Confirmation of a step that loses keys (deleting a key, re-initializing a device with keys or an
 * imported DKEK): on a terminal the user types the given word; {@code --force} skips the question;
 * with neither it is refused (a script must say {@code --force}).
 */
public final class Confirm {
  private Confirm() {}

  /**
   * Returns when confirmed; otherwise throws a usage error (exit 2), nothing changed.
   *
   * @param what what is about to happen, e.g. "this deletes key ref 1 (id 01)"
   * @param word what the user must type, e.g. the key's label or "yes"
   */
  public static void require(CliContext ctx, boolean force, String what, String word) {
    if (force) {
      return;
    }
    var terminal = ctx.secrets().terminal();
    if (terminal.isEmpty()) {
      throw CliException.usage(Text.safe(what) + " for good; confirm on a terminal or add --force");
    }
    String answer = terminal.get().readLine(Character.toUpperCase(what.charAt(0))
        + Text.safe(what.substring(1)) + " for good. Type " + word + " to go on: ");
    if (answer == null || !answer.strip().equals(word)) {
      throw CliException.usage("not confirmed; nothing was changed");
    }
  }

  /** What to type to confirm an action on a labelled object: the label, if it can be typed. */
  public static String wordFor(String label) {
    return label.isBlank() || !Text.safe(label).equals(label) || !label.equals(label.strip())
        ? "yes" : label;
  }
}
