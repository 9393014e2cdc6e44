package br.com.gorgen.backup.dump;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Dump texts and helpers shared by the inspector tests. In the text blocks, {@code \\} is one backslash. */
final class DumpSamples {

    private DumpSamples() {
    }

    /** A mariadb-dump output with every tricky construct the inspector must survive. */
    static final String TRICKY = """
            /*M!999999\\- enable the sandbox mode */\s
            -- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
            --
            -- Host: 127.0.0.1    Database: shop
            -- ------------------------------------------------------
            -- Server version	10.11.19-MariaDB-0+deb12u1-log

            /*!40101 SET NAMES utf8mb4 */;
            -- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;

            -- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000005', MASTER_LOG_POS=53020;

            --
            -- Table structure for table `empty_t`
            --

            DROP TABLE IF EXISTS `empty_t`;
            CREATE TABLE `empty_t` (
              `id` int(11) DEFAULT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

            LOCK TABLES `empty_t` WRITE;
            /*!40000 ALTER TABLE `empty_t` DISABLE KEYS */;
            /*!40000 ALTER TABLE `empty_t` ENABLE KEYS */;
            UNLOCK TABLES;

            CREATE TABLE `items` (
              `id` int(11) NOT NULL,
              `name` varchar(100) DEFAULT NULL COMMENT 'VALUES (1),(2)',
              `data` blob DEFAULT NULL,
              PRIMARY KEY (`id`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

            LOCK TABLES `items` WRITE;
            INSERT INTO `items` VALUES (1,'a),(b',0x00FF28),(2,'it\\'s \\\\',NULL),(3,'VALUES (9),(10)',_binary 'x\\')\\0'),(4,'ação 😀 \\n-- Dump completed on 2026-01-05\\n',0x28),(5,'semi;colon, comma \\\\\\');',NULL);
            INSERT INTO `items` VALUES
            (6,'\\\\',NULL),
            (7,'(((',_binary '\\\\\\'\\'');
            UNLOCK TABLES;

            CREATE TABLE `audit` (
              `id` int(11) DEFAULT NULL
            ) ENGINE=InnoDB;

            CREATE TABLE `we``ird` (
              `id` int(11) NOT NULL
            ) ENGINE=InnoDB;
            INSERT IGNORE INTO `we``ird` VALUES (1),(2),(3);

            CREATE TABLE IF NOT EXISTS `cols` (
              `a` int(11) NOT NULL,
              `b` varchar(10)
            ) ENGINE=InnoDB;
            INSERT INTO `cols` (`a`, `b`) VALUES (1,'x'),(2,'y)');
            INSERT INTO `cols` (`a`, `b`) VALUES
            (3,'z');
            REPLACE INTO `cols` VALUES (4,NULL);

            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg` AFTER INSERT ON `items` FOR EACH ROW BEGIN
            INSERT INTO `audit` VALUES (NEW.id),(NEW.id + 1);
            CREATE TABLE `not_a_table` (x int);
            END */;;
            DELIMITER ;

            -- SET GLOBAL gtid_slave_pos='0-1-31,1-2-7';
            /*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

            -- Dump completed on 2026-01-05  3:00:00
            """;

    static final Map<String, Long> TRICKY_ROWS = orderedRows(
            "empty_t", 0L, "items", 7L, "audit", 0L, "we`ird", 3L, "cols", 4L);

    static Map<String, Long> orderedRows(Object... pairs) {
        Map<String, Long> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Long) pairs[i + 1]);
        }
        return map;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Everything the inspector reports, comparable with equals. */
    record Result(Map<String, Long> rows, Optional<BinlogPosition> binlog, Optional<String> gtid,
                  boolean completed, long bytes) {

        static Result of(DumpInspector inspector) {
            return new Result(inspector.rowCounts(), inspector.binlogPosition(), inspector.gtidPosition(),
                    inspector.completed(), inspector.bytes());
        }
    }

    /** Inspects {@code data} in one chunk. */
    static Result whole(byte[] data) {
        DumpInspector inspector = new DumpInspector();
        inspector.update(data, 0, data.length);
        inspector.finish();
        return Result.of(inspector);
    }

    /** Inspects {@code data} in chunks whose sizes cycle through {@code sizes} (each at least 1). */
    static Result chunked(byte[] data, int... sizes) {
        DumpInspector inspector = new DumpInspector();
        // copy every chunk into a fresh array at a random-ish offset: the inspector must not rely on array layout
        int pos = 0;
        int k = 0;
        while (pos < data.length) {
            int size = Math.min(Math.max(1, sizes[k++ % sizes.length]), data.length - pos);
            byte[] chunk = new byte[size + 3];
            System.arraycopy(data, pos, chunk, 2, size);
            inspector.update(chunk, 2, size);
            pos += size;
        }
        inspector.finish();
        return Result.of(inspector);
    }
}
