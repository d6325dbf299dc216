package io.director.cli;

/** Process exit codes, following sysexits where one fits. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;
  static final int UNAVAILABLE = 69;
  static final int CONFIG = 78;

  private ExitCodes() {}
}
