package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class CallbackRequestReaderTests {

    private static final String BODY = "{\"transactionId\":\"PVIT-1\",\"status\":\"SUCCESS\",\"note\":\"é\"}";

    private static Message message(Object body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        return exchange.getMessage();
    }

    @Test
    void aStreamCachedBodyIsCopiedOutWholeAndStaysReadableForTheNextReader() {
        InputStreamCache cache = new InputStreamCache(BODY.getBytes(StandardCharsets.UTF_8));
        Message message = message(cache);

        byte[] bytes = CallbackRequestReader.bytes(message, cache);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(message.getBody(String.class)).isEqualTo(BODY);
    }

    @Test
    void aPartlyReadStreamCacheIsReadFromItsStart() {
        InputStreamCache cache = new InputStreamCache(BODY.getBytes(StandardCharsets.UTF_8));
        cache.read(new byte[10], 0, 10);

        assertThat(new String(CallbackRequestReader.bytes(message(cache), cache), StandardCharsets.UTF_8))
                .isEqualTo(BODY);
    }

    @Test
    void anyOtherBodyGoesThroughCamelsTypeConverters() {
        Message message = message(BODY);

        assertThat(CallbackRequestReader.bytes(message, BODY)).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
    }
}
