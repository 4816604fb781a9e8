package io.paysync.provider.mypvit;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MyPVit settings that only the MyPVit package reads ({@code paysync.providers.mypvit.*}; the
 * shared ones, {@code enabled}, {@code base-url}…, are bound by {@code PaysyncProperties}).
 * Each MyPVit API has its own 16-character URL code, read from Dashboard → APIs
 * (PROVIDERS.md §1.1).
 *
 * @param accountCode   the operation account, {@code ACC_…}
 * @param password      the API password set in Dashboard → APIs, exchanged for the {@code X-Secret} by
 *                      renew-secret v2; a secret, from the environment only
 *                      ({@code PAYSYNC_PROVIDERS_MYPVIT_PASSWORD})
 * @param renewUrlCode  the URL code of the renew-secret API
 * @param statusUrlCode the URL code of the Check Status API
 * @param restUrlCode     the URL code of the REST payment API (initiation, {@code POST /v2/{code}/rest})
 * @param kycUrlCode      the URL code of the KYC API ({@code GET /v2/{code}/kyc})
 * @param callbackUrlCode the short code (about 5 characters, not a URL) under which the callback URL is
 *                        registered in Dashboard → Settings → Urls, sent as {@code callback_url_code}
 *                        (PROVIDERS.md §1.2); register {@code <public-base-url>/callbacks/mypvit?token=…}
 * @param timeout       how long one call to MyPVit may take before the answer counts as unavailable
 */
@ConfigurationProperties("paysync.providers.mypvit")
public record MypvitProperties(
        String accountCode,
        String password,
        String renewUrlCode,
        String statusUrlCode,
        @DefaultValue("PT10S") Duration timeout,
        String restUrlCode,
        String kycUrlCode,
        String callbackUrlCode) {

    static final String PREFIX = "paysync.providers.mypvit.";
    static final String ACCOUNT_CODE = PREFIX + "account-code";
    static final String PASSWORD = PREFIX + "password";
    static final String RENEW_URL_CODE = PREFIX + "renew-url-code";
    static final String STATUS_URL_CODE = PREFIX + "status-url-code";
    static final String REST_URL_CODE = PREFIX + "rest-url-code";
    static final String KYC_URL_CODE = PREFIX + "kyc-url-code";
    static final String CALLBACK_URL_CODE = PREFIX + "callback-url-code";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The same default when built without Spring (tests). */
    @ConstructorBinding
    public MypvitProperties {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /** The status-check settings only (tests). */
    public MypvitProperties(String accountCode, String password, String renewUrlCode, String statusUrlCode,
            Duration timeout) {
        this(accountCode, password, renewUrlCode, statusUrlCode, timeout, null, null, null);
    }

    @Override
    public String toString() {
        return "MypvitProperties[accountCode=" + accountCode + ", password=" + (blank(password) ? "<not set>" : "******")
                + ", renewUrlCode=" + renewUrlCode + ", statusUrlCode=" + statusUrlCode + ", timeout=" + timeout
                + ", restUrlCode=" + restUrlCode + ", kycUrlCode=" + kycUrlCode + ", callbackUrlCode=" + callbackUrlCode
                + "]";
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
