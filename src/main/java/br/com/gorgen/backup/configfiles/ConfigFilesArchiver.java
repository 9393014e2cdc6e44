package br.com.gorgen.backup.configfiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import br.com.gorgen.backup.archive.ArchiveResult;
import br.com.gorgen.backup.archive.BackupArchiver;
import br.com.gorgen.backup.binlog.TarStream;
import br.com.gorgen.backup.catalog.BackupManifest;
import br.com.gorgen.backup.storage.BackupKeyLayout;
import br.com.gorgen.backup.support.BackupHeaders;
import br.com.gorgen.backup.support.Sha256;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archives the configured configuration files and folders (the application's {@code .env} and the like) with every
 * full backup: one tar, gzip + OpenPGP like every artifact, beside the dump ({@code config.tar.gz.gpg}). Entry names
 * are relative to each configured path's folder ({@code /srv/gorgen/.env} → {@code .env}). Their content is never
 * logged nor put in a manifest: only names, sizes and SHA-256. Symbolic links are followed (the file they point to
 * is archived under the link's name); a configured path that does not exist or holds no regular file fails the
 * backup (a silently missing .env would be found out on the day it is needed).
 */
public class ConfigFilesArchiver {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFilesArchiver.class);

    private final List<Path> paths;
    private final BackupArchiver archiver;

    public ConfigFilesArchiver(List<Path> paths, BackupArchiver archiver) {
        this.paths = List.copyOf(paths);
        this.archiver = archiver;
    }

    public boolean enabled() {
        return !paths.isEmpty();
    }

    /** Archives the files into the work folder and sets the store headers for the tar. */
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        Map<String, Path> files = collect();
        List<BackupManifest.ConfigFile> listed = new ArrayList<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            listed.add(new BackupManifest.ConfigFile(e.getKey(), Files.size(e.getValue()), Sha256.of(e.getValue())));
        }
        String key = BackupKeyLayout.folderOf(in.getHeader(BackupHeaders.OBJECT_KEY, String.class)) + "config.tar.gz.gpg";
        Path target = exchange.getProperty(BackupHeaders.PROP_WORK_DIR, Path.class).resolve("config.tar.gz.gpg");
        ArchiveResult a;
        try (InputStream tar = TarStream.of(files)) {
            a = archiver.archive(tar, target, "config.tar.gz");
        }
        exchange.setProperty(BackupManifest.ConfigFiles.class.getName(),
                new BackupManifest.ConfigFiles(key, a.storedBytes(), a.storedSha256(), listed));
        in.setHeader(BackupHeaders.STORE_FILE, a.file().toString());
        in.setHeader(BackupHeaders.STORE_KEY, key);
        in.setHeader(BackupHeaders.STORE_SHA256, a.storedSha256());
        in.setHeader(BackupHeaders.STORE_CONTENT_TYPE, "application/pgp-encrypted");
        LOG.info("Configuration files archived: {} file(s), {} bytes stored", listed.size(), a.storedBytes());
    }

    /**
     * The files to archive, by entry name. A symbolic link (the configured path itself, or a file in a configured
     * folder) is followed and its target archived under the link's name; links to folders inside a folder are not
     * walked (no loops). A configured path that does not exist, or yields no regular file, fails the backup.
     */
    Map<String, Path> collect() throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new IOException("configuration path " + p + " (BACKUP_CONFIG_PATHS) does not exist"
                        + (Files.isSymbolicLink(p) ? " (a symbolic link to nothing)" : ""));
            }
            Path base = p.toAbsolutePath().getParent();
            int before = out.size();
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                        add(out, name(base, f), f);
                    }
                }
            } else if (Files.isRegularFile(p)) {
                add(out, name(base, p), p);
            }
            if (out.size() == before) {
                throw new IOException("configuration path " + p + " (BACKUP_CONFIG_PATHS) holds no regular file to "
                        + "archive");
            }
        }
        return out;
    }

    private static void add(Map<String, Path> out, String name, Path file) throws IOException {
        Path before = out.putIfAbsent(name, file);
        if (before != null && !before.equals(file)) {
            throw new IOException("configuration files " + before + " and " + file + " would have the same name '" + name
                    + "' in the archive: configure their folders instead (BACKUP_CONFIG_PATHS)");
        }
    }

    private static String name(Path base, Path file) {
        Path rel = base == null ? file.getFileName() : base.relativize(file.toAbsolutePath());
        return rel.toString().replace('\\', '/');
    }
}
