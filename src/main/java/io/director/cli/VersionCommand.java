package io.director.cli;

import io.director.platform.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code director version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print Director's version.")
public final class VersionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("director " + Version.current());
    return ExitCodes.OK;
  }
}
