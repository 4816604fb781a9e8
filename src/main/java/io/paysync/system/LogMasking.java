package io.paysync.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import io.paysync.callback.Redaction;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Masks payer phone numbers (MSISDNs, see {@link Redaction#msisdns(String)}) in every log line,
 * whoever writes it (paysync, Camel's {@code log:} endpoints, exception messages): once Spring
 * Boot has configured logging, the encoder of every appender of the root logger is wrapped, so
 * the plain text and the structured JSON formats ({@code logging.structured.format.console})
 * are both masked. Message, exception messages (with causes), MDC and key-value pairs are masked.
 *
 * <p>Registered in {@code META-INF/spring.factories}: it runs before any bean logs, after
 * {@link LoggingApplicationListener} (which configures Logback anew for each application).
 */
public class LogMasking implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        install();
    }

    /** Wraps the encoders of the root logger's appenders (again after a logging reset; idempotent). */
    public static void install() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (var appenders = root.iteratorForAppenders(); appenders.hasNext(); ) {
            Appender<ILoggingEvent> appender = appenders.next();
            if (appender instanceof OutputStreamAppender<ILoggingEvent> stream
                    && !(stream.getEncoder() instanceof MaskingEncoder)) {
                MaskingEncoder masking = new MaskingEncoder(stream.getEncoder());
                masking.setContext(context);
                masking.start();
                stream.setEncoder(masking);
            }
        }
    }

    /** Encodes the masked event with the encoder Spring Boot configured. */
    static final class MaskingEncoder extends EncoderBase<ILoggingEvent> {

        private final Encoder<ILoggingEvent> delegate;

        MaskingEncoder(Encoder<ILoggingEvent> delegate) {
            this.delegate = delegate;
        }

        @Override
        public byte[] headerBytes() {
            return delegate.headerBytes();
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            return delegate.encode(new MaskedEvent(event));
        }

        @Override
        public byte[] footerBytes() {
            return delegate.footerBytes();
        }

        @Override
        public void stop() {
            delegate.stop();
            super.stop();
        }
    }

    /**
     * The event as logged, with its text masked. The masked message and MDC are computed once: a
     * layout asks for the MDC once per {@code %X} of its pattern (four on each plain-text line).
     */
    static final class MaskedEvent implements ILoggingEvent {

        private final ILoggingEvent event;
        private String message;
        private Map<String, String> mdc;

        MaskedEvent(ILoggingEvent event) {
            this.event = event;
        }

        @Override
        public String getFormattedMessage() {
            if (message == null) {
                message = Redaction.msisdns(event.getFormattedMessage());
            }
            return message;
        }

        @Override
        public String getMessage() {
            return getFormattedMessage();
        }

        @Override
        public Object[] getArgumentArray() {
            return null; // the message is already formatted (and masked)
        }

        @Override
        public IThrowableProxy getThrowableProxy() {
            return MaskedThrowable.of(event.getThrowableProxy());
        }

        @Override
        public Map<String, String> getMDCPropertyMap() {
            if (mdc == null) {
                Map<String, String> original = event.getMDCPropertyMap();
                if (original == null || original.isEmpty()) {
                    return original;
                }
                Map<String, String> masked = new LinkedHashMap<>();
                original.forEach((key, value) -> masked.put(key, Redaction.msisdns(value)));
                mdc = masked;
            }
            return mdc;
        }

        @Override
        public Map<String, String> getMdc() {
            return getMDCPropertyMap();
        }

        @Override
        public List<KeyValuePair> getKeyValuePairs() {
            List<KeyValuePair> pairs = event.getKeyValuePairs();
            return pairs == null ? null : pairs.stream().map(pair -> pair.value instanceof String text
                    ? new KeyValuePair(pair.key, Redaction.msisdns(text)) : pair).toList();
        }

        @Override
        public String getThreadName() {
            return event.getThreadName();
        }

        @Override
        public Level getLevel() {
            return event.getLevel();
        }

        @Override
        public String getLoggerName() {
            return event.getLoggerName();
        }

        @Override
        public LoggerContextVO getLoggerContextVO() {
            return event.getLoggerContextVO();
        }

        @Override
        public StackTraceElement[] getCallerData() {
            return event.getCallerData();
        }

        @Override
        public boolean hasCallerData() {
            return event.hasCallerData();
        }

        @Override
        public Marker getMarker() {
            return event.getMarker();
        }

        @Override
        public List<Marker> getMarkerList() {
            return event.getMarkerList();
        }

        @Override
        public long getTimeStamp() {
            return event.getTimeStamp();
        }

        @Override
        public int getNanoseconds() {
            return event.getNanoseconds();
        }

        @Override
        public java.time.Instant getInstant() {
            return event.getInstant();
        }

        @Override
        public long getSequenceNumber() {
            return event.getSequenceNumber();
        }

        @Override
        public void prepareForDeferredProcessing() {
            event.prepareForDeferredProcessing();
        }
    }

    /** An exception as logged, its message and those of its causes and suppressed ones masked. */
    record MaskedThrowable(IThrowableProxy proxy) implements IThrowableProxy {

        static IThrowableProxy of(IThrowableProxy proxy) {
            return proxy == null ? null : new MaskedThrowable(proxy);
        }

        @Override
        public String getMessage() {
            return Redaction.msisdns(proxy.getMessage());
        }

        @Override
        public String getOverridingMessage() {
            return Redaction.msisdns(proxy.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return of(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            if (suppressed == null) {
                return null;
            }
            IThrowableProxy[] masked = new IThrowableProxy[suppressed.length];
            for (int i = 0; i < suppressed.length; i++) {
                masked[i] = of(suppressed[i]);
            }
            return masked;
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
