package io.sluice;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packages of this module import each other in one direction only: every {@code io.sluice}
 * package, sub-packages included ({@code a.b} is a slice of its own beside {@code a}), is free of
 * cycles, so a package imports only packages below it. Reads this module's main classes only.
 */
class PackageCyclesTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void packagesAreFreeOfCycles() throws Exception {
        Path classes = Path.of(io.sluice.client.admin.Admin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaClasses main = new ClassFileImporter().importPath(classes);
        slices().matching("io.sluice.(**)").should().beFreeOfCycles().check(main);
    }
}
