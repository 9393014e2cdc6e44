package br.com.gorgen.backup.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import br.com.gorgen.backup.api.ApiKeys.Caller;
import br.com.gorgen.backup.api.ApiKeys.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    @Test
    void keepsOnlyWellFormedLinesKeyedByHash() {
        String h = ApiKeys.sha256Hex("k1");
        Map<String, Caller> keys = ApiKeys.parse(List.of("# comment", "", "admin " + h + " ops team",
                "master " + ApiKeys.sha256Hex("k2").toUpperCase() + " dr", "root " + ApiKeys.sha256Hex("k3") + " x",
                "admin not-a-hash y", "admin"));
        assertThat(keys).hasSize(2);
        assertThat(keys.get(h)).isEqualTo(new Caller("ops team", Role.ADMIN));
        assertThat(keys.get(ApiKeys.sha256Hex("k2")).role()).isEqualTo(Role.MASTER);
    }

    @Test
    void masterCoversAdminButNotTheOtherWayRound() {
        assertThat(Role.MASTER.covers(Role.ADMIN)).isTrue();
        assertThat(Role.MASTER.covers(Role.MASTER)).isTrue();
        assertThat(Role.ADMIN.covers(Role.ADMIN)).isTrue();
        assertThat(Role.ADMIN.covers(Role.MASTER)).isFalse();
    }

    @Test
    void rereadsTheFileWhenItChangesAndRefusesEverythingWhenItIsMissing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        ApiKeys keys = new ApiKeys(file);
        assertThat(keys.lookup("k1")).isEmpty();
        Files.writeString(file, "admin " + ApiKeys.sha256Hex("k1") + " ops\n");
        assertThat(keys.lookup("k1")).map(Caller::name).contains("ops");
        Files.writeString(file, "master " + ApiKeys.sha256Hex("k2") + " dr\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(keys.lookup("k1")).isEmpty();
        assertThat(keys.lookup("k2")).map(Caller::role).contains(Role.MASTER);
    }
}
