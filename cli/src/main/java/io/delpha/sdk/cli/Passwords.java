package io.delpha.sdk.cli;

import java.io.Console;

/** Passwords and keys: from the option, else an environment variable, else a prompt that does not echo. */
final class Passwords {

  private Passwords() {}

  /**
   * @param given the option's value, if given
   * @param variable the environment variable to read otherwise
   * @param prompt what to ask on a terminal otherwise
   * @param option the option's name, for the error when nothing gives a value
   * @return the password
   */
  static String resolve(char[] given, String variable, String prompt, String option) {
    if (given != null && given.length > 0) {
      return new String(given);
    }
    String env = System.getenv(variable);
    if (env != null && !env.isEmpty()) {
      return env;
    }
    Console console = System.console();
    if (console != null) {
      char[] typed = console.readPassword("%s", prompt);
      if (typed != null && typed.length > 0) {
        return new String(typed);
      }
    }
    throw Usage.error("no value for " + option + ": give it, set " + variable + ", or run on a terminal to be asked");
  }
}
