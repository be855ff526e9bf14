package io.delpha.sdk.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Wrong command lines: exit code {@value Delpha#USAGE}, with the command's usage. */
final class Usage {

  private static final ThreadLocal<CommandSpec> CURRENT = new ThreadLocal<>();

  private Usage() {}

  /** Records the command being run, so errors raised deep in option handling name it. */
  static void current(CommandSpec spec) {
    CURRENT.set(spec);
  }

  static CommandLine.ParameterException error(String message) {
    CommandSpec spec = CURRENT.get();
    CommandLine cmd = spec != null ? spec.commandLine() : Delpha.commandLine();
    return new CommandLine.ParameterException(cmd, message);
  }
}
