package br.com.gorgen.backup.restore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreRewriterTest {
    private static String rewrite(String dump, int chunk) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RestoreRewriter w = new RestoreRewriter(out, "gorgen")) {
            byte[] b = dump.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < b.length; i += chunk) {
                w.write(b, i, Math.min(chunk, b.length - i));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rewritesDefinersSchemaQualifiersAndGtidStatementsButNeverData() throws Exception {
        String dump = """
                /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */
                /*!50001 VIEW `v` AS select `gorgen`.`t`.`id` AS `id` from `t` */;
                CREATE DEFINER=`root`@`localhost` FUNCTION `idade`(n DATE) RETURNS int(11)
                SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5';
                INSERT INTO `t` VALUES (1,'DEFINER=`app`@`%` and `gorgen`.`t` stay in data'),(2,'ção');
                INSERT INTO `t` VALUES
                (3,'`gorgen`.`t` DEFINER=`a`@`b`'),
                (4,'x');
                -- Dump completed
                """;
        for (int chunk : new int[] {1, 3, 7, 64, 100_000}) {
            String out = rewrite(dump, chunk);
            assertThat(out).contains("/*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */")
                    .contains("select `t`.`id` AS `id` from `t`")
                    .contains("CREATE DEFINER=CURRENT_USER FUNCTION `idade`")
                    .contains("-- (gorgen-backup: not replayed on restore) SET @@GLOBAL.GTID_PURGED")
                    .contains("INSERT INTO `t` VALUES (1,'DEFINER=`app`@`%` and `gorgen`.`t` stay in data'),(2,'ção');")
                    .contains("\n(3,'`gorgen`.`t` DEFINER=`a`@`b`'),\n(4,'x');\n")
                    .endsWith("-- Dump completed\n");
        }
    }

    @Test
    void passesLongDataLinesThroughUnchanged() throws Exception {
        StringBuilder sb = new StringBuilder("INSERT INTO `t` VALUES ");
        Random r = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            sb.append(i == 0 ? "" : ",").append("(").append(r.nextInt()).append(",'`gorgen`.x')");
        }
        sb.append(";\n");
        assertThat(rewrite(sb.toString(), 8192)).isEqualTo(sb.toString());
    }
}
