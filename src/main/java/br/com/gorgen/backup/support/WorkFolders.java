package br.com.gorgen.backup.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removal of the private work folders of backups and restores (spool files, option files). */
public final class WorkFolders {
    private static final Logger LOG = LoggerFactory.getLogger(WorkFolders.class);

    private WorkFolders() {
    }

    /** Deletes a folder and everything in it; problems are logged, never thrown. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Cannot delete work file {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot clean work folder {}: {}", dir, e.getMessage());
        }
    }
}
