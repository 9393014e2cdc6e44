package br.com.gorgen.backup.binlog;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import br.com.gorgen.backup.testbed.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The tar stream of an incremental backup is read by the standard tar. */
class TarStreamTest {
    @TempDir
    Path dir;

    @Test
    void tarExtractsExactlyTheFiles() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Random random = new Random(7);
        byte[] big = new byte[700_000];
        random.nextBytes(big);
        Files.write(in.resolve("binlog.000007"), big);
        Files.write(in.resolve("binlog.000008"), new byte[0]);
        Files.write(in.resolve("binlog.000009"), new byte[512]);
        Path tar = dir.resolve("b.tar");
        try (InputStream s = TarStream.of(List.of(in.resolve("binlog.000007"), in.resolve("binlog.000008"),
                in.resolve("binlog.000009")))) {
            Files.copy(s, tar);
        }
        assertThat(Files.size(tar) % 10240).isZero();
        Path out = Files.createDirectories(dir.resolve("out"));
        Cli.Result r = Cli.bash("tar -xf " + tar + " -C " + out + " && tar -tf " + tar, Map.of(), 60);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip().split("\n")).containsExactly("binlog.000007", "binlog.000008", "binlog.000009");
        for (String f : List.of("binlog.000007", "binlog.000008", "binlog.000009")) {
            assertThat(Files.mismatch(in.resolve(f), out.resolve(f))).isEqualTo(-1L);
        }
    }
}
