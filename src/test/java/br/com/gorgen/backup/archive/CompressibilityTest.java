package br.com.gorgen.backup.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.junit.jupiter.api.Test;

class CompressibilityTest {
    @Test
    void randomAndAlreadyCompressedDataAreIncompressible() throws Exception {
        byte[] random = new byte[100_000];
        new Random(1).nextBytes(random);
        assertThat(Compressibility.looksIncompressible(random, 0, random.length)).isTrue();

        var deflated = new java.io.ByteArrayOutputStream();
        try (var out = new DeflaterOutputStream(deflated, new Deflater(9))) {
            out.write(text(200_000));
        }
        byte[] d = deflated.toByteArray();
        assertThat(Compressibility.looksIncompressible(d, 0, d.length)).isTrue();
    }

    @Test
    void textAndSmallInputsAreCompressed() {
        byte[] t = text(50_000);
        assertThat(Compressibility.looksIncompressible(t, 0, t.length)).isFalse();
        byte[] tiny = new byte[300];
        new Random(2).nextBytes(tiny);
        assertThat(Compressibility.looksIncompressible(tiny, 0, tiny.length)).as("too small to judge").isFalse();
    }

    @Test
    void theSampleIsTakenFromTheEndOfTheGivenRange() {
        byte[] b = new byte[80_000];
        new Random(3).nextBytes(b);
        byte[] t = text(40_000);
        System.arraycopy(t, 0, b, 40_000, 40_000); // random head, text body
        assertThat(Compressibility.looksIncompressible(b, 0, b.length)).isFalse();
        assertThat(Compressibility.looksIncompressible(b, 0, 40_000)).isTrue();
    }

    @Test
    void entropyIsEightBitsForRandomDataAndFarLessForText() {
        byte[] random = new byte[4096];
        new Random(5).nextBytes(random);
        assertThat(Compressibility.entropyBits(random, 0, random.length)).isBetween(7.9, 8.0);
        byte[] t = text(4096);
        assertThat(Compressibility.entropyBits(t, 0, t.length)).isBetween(3.0, 5.0);
        byte[] base64 = java.util.Base64.getEncoder().encode(random);
        assertThat(Compressibility.looksIncompressible(base64, 0, base64.length)).as("6 bits a byte: deflate saves 25 %")
                .isFalse();
        byte[] zeros = new byte[4096];
        assertThat(Compressibility.entropyBits(zeros, 0, zeros.length)).isZero();
    }

    private static byte[] text(int size) {
        StringBuilder sb = new StringBuilder();
        Random r = new Random(4);
        String[] words = {"paciente", "laudo", "exame", "consulta", "retorno", "prescrição", "dose", "mg", "dia"};
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? ".\n" : " ");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }
}
