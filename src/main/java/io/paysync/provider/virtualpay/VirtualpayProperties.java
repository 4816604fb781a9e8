package io.paysync.provider.virtualpay;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * VirtualPay settings that only the VirtualPay package reads ({@code paysync.providers.virtualpay.*};
 * the shared ones, {@code enabled}, {@code base-url}…, are bound by {@code PaysyncProperties}).
 *
 * @param merchantId  the merchant id sent in every API body
 * @param channelCode the channel code sent with it
 * @param apiKey      sent as {@code Ocp-Apim-Subscription-Key} when set: VirtualPay's authentication headers
 *                    are not documented, the sandbox host looks like Azure API Management (PROVIDERS.md §4.2
 *                    [I]); a credential, from the environment only ({@code PAYSYNC_PROVIDERS_VIRTUALPAY_APIKEY})
 * @param statusPath  the path of CheckTransactionStatus under the base URL. The document gives
 *                    {@code /virtualpayapi/CheckTransactionStatus} (wallet) and
 *                    {@code /virtualpaycorporate/CheckTransactionStatus} (corporate); the retail one, for the
 *                    dynamic virtual accounts paysync uses, is not confirmed and only likely to be
 *                    {@code /virtualpay/CheckTransactionStatus}, where the other retail endpoints live
 *                    (PROVIDERS.md §4.2 [I]) — hence the default, and this setting
 * @param timeout     how long one status call may take before the answer counts as unavailable
 * @param generatePath the path of GenerateVirtualAccountNumber under the base URL (retail,
 *                    {@code /virtualpay/GenerateVirtualAccountNumber}, PROVIDERS.md §4.3)
 */
@ConfigurationProperties("paysync.providers.virtualpay")
public record VirtualpayProperties(
        String merchantId,
        String channelCode,
        String apiKey,
        @DefaultValue(DEFAULT_STATUS_PATH) String statusPath,
        @DefaultValue("PT10S") Duration timeout,
        @DefaultValue(DEFAULT_GENERATE_PATH) String generatePath) {

    static final String PREFIX = "paysync.providers.virtualpay.";
    static final String MERCHANT_ID = PREFIX + "merchant-id";
    static final String CHANNEL_CODE = PREFIX + "channel-code";
    static final String STATUS_PATH = PREFIX + "status-path";

    static final String DEFAULT_STATUS_PATH = "/virtualpay/CheckTransactionStatus";
    static final String DEFAULT_GENERATE_PATH = "/virtualpay/GenerateVirtualAccountNumber";
    static final String GENERATE_PATH = PREFIX + "generate-path";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The same defaults when built without Spring (tests). */
    @ConstructorBinding
    public VirtualpayProperties {
        if (blank(generatePath)) {
            generatePath = DEFAULT_GENERATE_PATH;
        } else if (!generatePath.startsWith("/")) {
            generatePath = "/" + generatePath;
        }
        if (blank(statusPath)) {
            statusPath = DEFAULT_STATUS_PATH;
        } else if (!statusPath.startsWith("/")) {
            statusPath = "/" + statusPath;
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /** The status-check settings only (tests). */
    public VirtualpayProperties(String merchantId, String channelCode, String apiKey, String statusPath,
            Duration timeout) {
        this(merchantId, channelCode, apiKey, statusPath, timeout, null);
    }

    @Override
    public String toString() {
        return "VirtualpayProperties[merchantId=" + merchantId + ", channelCode=" + channelCode
                + ", apiKey=" + (blank(apiKey) ? "<not set>" : "******")
                + ", statusPath=" + statusPath + ", timeout=" + timeout + ", generatePath=" + generatePath + "]";
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
