package io.director;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries of the house style, checked on every build. */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.director");
  }

  @Test
  void sharedDependsOnNoModule() {
    noClasses().that().resideInAPackage("io.director.shared..")
        .should().dependOnClassesThat().resideInAnyPackage("io.director.platform..", "io.director.identity..", "io.director.cli..")
        .check(classes);
  }

  @Test
  void thePlatformKnowsNothingOfTheCapabilitiesAboveIt() {
    noClasses().that().resideInAPackage("io.director.platform..")
        .should().dependOnClassesThat().resideInAnyPackage("io.director.identity..", "io.director.cli..")
        .check(classes);
  }

  @Test
  void identityDoesNotReachIntoTheCli() {
    noClasses().that().resideInAPackage("io.director.identity..")
        .should().dependOnClassesThat().resideInAPackage("io.director.cli..")
        .check(classes);
  }

  @Test
  void noModuleReachesIntoAnothersInternals() {
    noClasses().that().resideOutsideOfPackage("io.director.identity..")
        .should().dependOnClassesThat().resideInAPackage("io.director.identity.internal..")
        .check(classes);
  }

  @Test
  void webControllersAreUsedOnlyByTheirModule() {
    noClasses().that().resideOutsideOfPackage("io.director.identity..")
        .should().dependOnClassesThat().resideInAPackage("io.director.identity.web..")
        .check(classes);
  }

  @Test
  void sessionInternalsAndSandboxesAreTheSessionModulesOwn() {
    noClasses().that().resideOutsideOfPackage("io.director.sessions..")
        .should().dependOnClassesThat().resideInAnyPackage("io.director.sessions.internal..", "io.director.sessions.sandbox..",
            "io.director.sessions.web..")
        .check(classes);
  }

  @Test
  void theGatewayAndIdentityKnowNothingOfSessions() {
    noClasses().that().resideInAnyPackage("io.director.gateway..", "io.director.identity..", "io.director.platform..", "io.director.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.director.sessions..")
        .check(classes);
  }

  @Test
  void memoryInternalsAreTheMemoryModulesOwnAndItsApiExposesNone() {
    noClasses().that().resideOutsideOfPackage("io.director.memory..")
        .should().dependOnClassesThat().resideInAnyPackage("io.director.memory.internal..", "io.director.memory.web..")
        .check(classes);
    noClasses().that().resideInAPackage("io.director.memory.web..")
        .should().dependOnClassesThat().resideInAPackage("io.director.memory.internal..")
        .check(classes);
  }

  @Test
  void theGatewayIdentityPlatformAndSessionsKnowNothingOfMemory() {
    // memory plugs into the gateway through its BuiltinTools SPI, never the other way round
    noClasses().that().resideInAnyPackage("io.director.gateway..", "io.director.identity..", "io.director.platform..", "io.director.sessions..",
            "io.director.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.director.memory..")
        .check(classes);
  }
}
