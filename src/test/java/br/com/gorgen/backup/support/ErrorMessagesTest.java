package br.com.gorgen.backup.support;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import static org.assertj.core.api.Assertions.assertThat;

/** One readable line from Camel's wrappers: the storage fault a multicast wrapped is what the history row says. */
class ErrorMessagesTest {
    @Test
    void aMulticastFailureIsDescribedByTheFaultItWraps() {
        var cause = SdkClientException.create("Unable to execute HTTP request: Connect to 127.0.0.1:1 failed");
        var wrapped = new CamelExchangeException("Multicast processing failed for number 0",
                new DefaultExchange(new DefaultCamelContext()), cause);
        assertThat(ErrorMessages.describe(wrapped))
                .isEqualTo("storage error: Unable to execute HTTP request: Connect to 127.0.0.1:1 failed");
    }

    @Test
    void anExceptionWithItsOwnMessageIsKept() {
        assertThat(ErrorMessages.describe(new IllegalStateException("the dump ended early")))
                .isEqualTo("the dump ended early");
    }
}
