package dev.prefwork.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The layering rules of DESIGN.md §2, checked on the compiled classes of every module. */
class ArchitectureTest {

    static JavaClasses prefwork;

    @BeforeAll
    static void importClasses() {
        prefwork = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.prefwork");
        // Guard against a vacuous pass: the modules' classes must be on the class path and imported.
        assertThat(prefwork.contain("dev.prefwork.store.Workspace")).isTrue();
        assertThat(prefwork.contain("dev.prefwork.core.Prompt")).isTrue();
    }

    @Test
    void noModuleImportsJavaFx() {
        noClasses().that().resideOutsideOfPackage("dev.prefwork.app..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .because("modules/ are UI-free; only app/ knows JavaFX")
                .check(prefwork);
    }

    @Test
    void coreDependsOnNothingOfOursAndNoSql() {
        classes().that().resideInAPackage("dev.prefwork.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.prefwork.core..", "java.lang..", "java.util..", "java.time..", "java.io..", "java.nio..")
                .check(prefwork);
    }

    @Test
    void viewModelsHoldNoNodes() {
        classes().that().haveSimpleNameEndingWith("ViewModel")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("javafx.scene..", "javafx.stage..", "org.controlsfx.control..")
                .allowEmptyShould(true)
                .check(prefwork);
    }
}
