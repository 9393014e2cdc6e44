package br.com.gorgen.backup.settings;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {
    @Test
    void parsesEveryPartAndDecodesThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("mysql://backup:p%40ss%3Aw%2Fo%20rd@db.clinic:3307/gorgen?sslMode=REQUIRED");
        assertThat(url.user()).isEqualTo("backup");
        assertThat(url.password()).isEqualTo("p@ss:w/o rd");
        assertThat(url.host()).isEqualTo("db.clinic");
        assertThat(url.port()).isEqualTo(3307);
        assertThat(url.database()).isEqualTo("gorgen");
        assertThat(url.jdbcUrl()).startsWith("jdbc:mysql://db.clinic:3307/gorgen?").endsWith("&sslMode=REQUIRED")
                .doesNotContain("p@ss");
    }

    @Test
    void defaultsThePortAndKeepsAPlusSignInThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("mariadb://u:a+b@localhost/app");
        assertThat(url.port()).isEqualTo(3306);
        assertThat(url.password()).isEqualTo("a+b");
    }

    @Test
    void neverShowsThePassword() {
        assertThat(DatabaseUrl.parse("mysql://u:topsecret@h:1/d").toString()).isEqualTo("mysql://u:***@h:1/d");
    }

    @Test
    void refusesIncompleteUrlsWithAClearMessage() {
        assertThatThrownBy(() -> DatabaseUrl.parse("")).hasMessageContaining("DATABASE_URL is not set");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:p@h/d")).hasMessageContaining("mysql://");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://h:3306/d")).hasMessageContaining("no user");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:p@h:3306/")).hasMessageContaining("one database");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:secret@h:3306/")).message().doesNotContain("secret");
    }
}
