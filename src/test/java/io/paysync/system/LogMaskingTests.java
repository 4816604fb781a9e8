package io.paysync.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * The masking encoder around both formats: the plain pattern and Spring Boot's structured JSON
 * (what {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} or {@code logstash} selects).
 */
class LogMaskingTests {

    final LoggerContext context = new LoggerContext();

    ILoggingEvent event() {
        LoggingEvent event = new LoggingEvent("test", context.getLogger("io.paysync.Test"), Level.INFO,
                "payer {} paid", new IllegalStateException("payer 0343500003 unknown"),
                new Object[] {"+256700000001"});
        event.setMDCPropertyMap(Map.of("provider", "mvola", "merchantReference", "ORDER1", "payer", "0343500003"));
        return event;
    }

    String encode(Encoder<ILoggingEvent> encoder) {
        encoder.setContext(context);
        encoder.start();
        LogMasking.MaskingEncoder masking = new LogMasking.MaskingEncoder(encoder);
        masking.setContext(context);
        masking.start();
        return new String(masking.encode(event()), StandardCharsets.UTF_8);
    }

    @Test
    void masksMessageExceptionAndMdcInThePlainFormat() {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setPattern("[%X{provider} %X{payer}] %m%n%ex");

        String line = encode(pattern);

        assertThat(line).startsWith("[mvola 034*****03] payer +256*******01 paid")
                .contains("IllegalStateException: payer 034*****03 unknown")
                .doesNotContain("256700000001", "0343500003");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "logstash"})
    void masksTheStructuredJsonFormatsAndKeepsTheMdcAsFields(String format) throws Exception {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "paysync");
        context.putObject(Environment.class.getName(), environment);
        StructuredLogEncoder json = new StructuredLogEncoder();
        json.setFormat(format);

        String line = encode(json);

        assertThat(line).doesNotContain("256700000001", "0343500003");
        JsonNode node = new ObjectMapper().readTree(line);
        assertThat(node.toString()).contains("payer +256*******01 paid", "payer 034*****03 unknown");
        assertThat(node.findValue("provider").asText()).isEqualTo("mvola");
        assertThat(node.findValue("merchantReference").asText()).isEqualTo("ORDER1");
    }
}
