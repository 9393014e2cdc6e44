package br.com.gorgen.backup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import br.com.gorgen.backup.BackupApplication;
import br.com.gorgen.backup.testbed.ServiceTestBed;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML file in routes/ is loaded by the real service and all its routes start: a broken edit fails CI. */
@CamelMainTest(mainClass = BackupApplication.class, propertyPlaceholderLocations = "file:config/application.properties")
class RoutesLoadTest {
    static ServiceTestBed bed;

    @BeanInject
    CamelContext context;

    @BeforeAll
    static void startServices() {
        bed = new ServiceTestBed("gorgen_routes");
        bed.applyAsSystemProperties();
    }

    @AfterAll
    static void stopServices() {
        bed.close();
    }

    @Test
    void everyRouteFileIsLoadedAndEveryRouteIsStarted() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("routes"))) {
            files = s.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String text = Files.readString(file);
            String name = file.getFileName().toString();
            if (text.contains("- route:") || text.contains("- templatedRoute:")) {
                assertThat(context.getRoutes()).as("routes of " + name)
                        .anyMatch(r -> r.getSourceLocation() != null && r.getSourceLocation().contains(name));
            } else {
                assertThat(text).as(name + " holds routes or route configurations").contains("- routeConfiguration:");
            }
        }
        for (Route r : context.getRoutes()) {
            assertThat(context.getRouteController().getRouteStatus(r.getRouteId())).as(r.getRouteId())
                    .isEqualTo(ServiceStatus.Started);
            assertThat(r.getRouteId()).matches("[a-z]+(-[a-z0-9]+)+");
        }
        assertThat(context.getRoutes()).extracting(Route::getRouteId).contains("backup-database-scheduled",
                "backup-database-run", "storage-store-primary", "storage-store-secondary", "storage-store-in-both-buckets", "storage-copy-to-secondary", "notify-send",
                "backup-api-trigger", "audit-record");
    }
}
