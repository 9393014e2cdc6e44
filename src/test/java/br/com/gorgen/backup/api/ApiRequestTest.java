package br.com.gorgen.backup.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Request bodies are read strictly: each refusal is a 400 that names the field. */
class ApiRequestTest {
    static ApiException refusal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        try {
            call.call();
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected a 400, got " + t, t);
        }
        throw new AssertionError("expected a 400, got nothing");
    }

    @Test
    void unknownDuplicateAndTrailingFieldsAreRefused() {
        assertThat(refusal(() -> ApiRequest.object("{\"targt\":\"x\"}", "{}", "target")).body())
                .containsEntry("field", "targt");
        assertThat(refusal(() -> ApiRequest.object("{\"target\":\"a\",\"target\":\"b\"}", "{}", "target")).getMessage())
                .contains("Duplicate field 'target'");
        refusal(() -> ApiRequest.object("{\"target\":\"a\"} x", "{}", "target"));
        refusal(() -> ApiRequest.object("[1]", "{}", "target"));
        refusal(() -> ApiRequest.object("{\"target\":\"a\" /* c */}", "{}", "target"));
    }

    @Test
    void eachFieldHasItsType() throws Exception {
        JsonNode body = ApiRequest.object("{\"p\":12,\"q\":12.7,\"r\":\"12\",\"b\":true,\"n\":null,\"big\":1e3}", "{}",
                "p", "q", "r", "b", "n", "big");
        assertThat(ApiRequest.wholeNumber(body, "p", null)).isEqualTo(12L);
        assertThat(refusal(() -> ApiRequest.wholeNumber(body, "q", null)).body()).containsEntry("field", "q");
        refusal(() -> ApiRequest.wholeNumber(body, "r", null));
        refusal(() -> ApiRequest.wholeNumber(body, "big", null));
        assertThat(ApiRequest.bool(body, "b", false)).isTrue();
        refusal(() -> ApiRequest.bool(body, "r", false));
        refusal(() -> ApiRequest.text(body, "p", null));
        refusal(() -> ApiRequest.text(body, "n", null));
        assertThat(ApiRequest.text(body, "absent", "dflt")).isEqualTo("dflt");
        assertThat(ApiRequest.object("", "{}")).isEmpty();
        assertThatThrownBy(() -> ApiRequest.object("{\"a\":1}", "{}")).hasMessageContaining("takes no field");
    }
}
