package io.paysync.provider.mypvit;

import static io.paysync.provider.CallbackFields.decimal;
import static io.paysync.provider.CallbackFields.requiredText;
import static io.paysync.provider.CallbackFields.string;
import static io.paysync.provider.CallbackFields.text;

import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Setting;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.provider.ProviderSecrets;
import io.paysync.provider.StatusClient;
import io.paysync.system.PaysyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * MyPVit's Check Status API (PROVIDERS.md §1.4):
 * {@code GET {base}/{status-url-code}/status?transactionId=&accountOperationCode=&transactionOperation=PAYMENT}
 * with the {@code X-Secret} header, asked with the merchant reference as MyPVit knows it (without
 * dashes).
 *
 * <p>The secret comes from renew-secret v2 (§1.1): {@code POST {base}/v2/{renew-url-code}/renew-secret},
 * form {@code accountOperationCode}, {@code password}; it is used until {@link #RENEWAL_MARGIN} before
 * its {@code expires_in}. Each renewal makes the previous secret obsolete — for every paysync instance
 * using the account — so the secret is shared through {@link ProviderSecrets} (the database, in the
 * application): a check uses the copy it holds in memory; when that one is about to expire or was
 * refused, the stored one if it is still good and not the refused one; otherwise it renews, once for
 * the cluster — under the store's lock, unless another instance renewed meanwhile. A check that finds
 * its secret refused (401, 403 or {@code AUTHENTICATION_FAILED}) gets a new one that way and retries
 * once. The secret itself is never logged. A transaction MyPVit does not know (yet) is no answer: it
 * stays due (§7.2).
 */
@Component("mypvitStatusClient")
public class MypvitStatusClient implements StatusClient {

    private static final Logger log = LoggerFactory.getLogger(MypvitStatusClient.class);

    static final String BASE_URL = MypvitProperties.PREFIX + "base-url";
    private static final String INVALID_BASE_URL = "invalid " + BASE_URL;
    static final Duration RENEWAL_MARGIN = MypvitSecret.RENEWAL_MARGIN;
    static final Duration DEFAULT_SECRET_LIFETIME = MypvitSecret.DEFAULT_SECRET_LIFETIME;
    static final String AUTHENTICATION_FAILED = MypvitSecret.AUTHENTICATION_FAILED;
    static final String TRANSACTION_NOT_FOUND = "TRANSACTION_NOT_FOUND";
    static final String NOT_FOUND_YET = "transaction not found yet";

    private static final Wording STATUS_CHECK = Wording.calling("status check", "status check");

    private final MypvitProperties properties;
    private final ProviderHttp http;

    private final MypvitSecret secret;

    @Autowired
    public MypvitStatusClient(PaysyncProperties paysync, MypvitProperties properties, Clock clock,
            ProviderSecrets secrets) {
        this(paysync.provider(MypvitCallbackMapper.PROVIDER).baseUrl(), properties, clock, secrets);
    }

    /** With an explicit base URL and a secret of its own (tests). */
    MypvitStatusClient(String baseUrl, MypvitProperties properties, Clock clock) {
        this(baseUrl, properties, clock, ProviderSecrets.inMemory());
    }

    /** With an explicit base URL, sharing the secret through {@code secrets} (tests). */
    MypvitStatusClient(String baseUrl, MypvitProperties properties, Clock clock, ProviderSecrets secrets) {
        this.properties = properties;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
        this.secret = new MypvitSecret(http, properties, clock, secrets, INVALID_BASE_URL);
    }

    @Override
    public String provider() {
        return MypvitCallbackMapper.PROVIDER;
    }

    @Override
    public StatusAnswer check(Payment payment) {
        List<String> missing = missingSettings();
        if (!missing.isEmpty()) {
            return unavailable(payment, "not configured: " + String.join(", ", missing));
        }
        String transactionId = MypvitCallbackMapper.withoutDashes(payment.merchantReference());
        try {
            String current = secret.value(null);
            Response response = status(transactionId, current);
            if (MypvitSecret.authenticationFailed(response)) {
                response = status(transactionId, secret.value(current));
                if (MypvitSecret.authenticationFailed(response)) {
                    return unavailable(payment, "authentication failed again after renewing the secret (HTTP "
                            + response.status() + ")");
                }
            }
            return answer(payment, transactionId, response);
        } catch (NoAnswer e) {
            return unavailable(payment, e.getMessage());
        }
    }

    private List<String> missingSettings() {
        return ProviderHttp.unset(new Setting(BASE_URL, http.baseUrl()),
                new Setting(MypvitProperties.ACCOUNT_CODE, properties.accountCode()),
                new Setting(MypvitProperties.PASSWORD, properties.password()),
                new Setting(MypvitProperties.RENEW_URL_CODE, properties.renewUrlCode()),
                new Setting(MypvitProperties.STATUS_URL_CODE, properties.statusUrlCode()));
    }

    private Response status(String transactionId, String secret) throws NoAnswer {
        String pathAndQuery = "/" + encode(properties.statusUrlCode()) + "/status"
                + "?transactionId=" + encode(transactionId)
                + "&accountOperationCode=" + encode(properties.accountCode())
                + "&transactionOperation=PAYMENT";
        HttpRequest request = HttpRequest.newBuilder(http.uri(pathAndQuery, INVALID_BASE_URL))
                .timeout(properties.timeout())
                .header("X-Secret", secret)
                .header("Accept", "application/json")
                .GET()
                .build();
        return http.send(request, STATUS_CHECK);
    }

    private StatusAnswer answer(Payment payment, String transactionId, Response response) {
        int code = response.status();
        if (code >= 500) {
            return unavailable(payment, "HTTP " + code);
        }
        String error = MypvitSecret.errorCode(response.body());
        if (code == 404 || TRANSACTION_NOT_FOUND.equals(error)) {
            return unavailable(payment, NOT_FOUND_YET);
        }
        if (code / 100 != 2) {
            return unavailable(payment, "HTTP " + code + (error == null ? "" : " " + error));
        }
        if (error != null) {
            return unavailable(payment, "error " + error);
        }
        try {
            JsonNode body = MypvitSecret.parse(response.body(), "status check");
            String about = string(body, "merchant_reference_id", "merchantReferenceId");
            if (about != null && !about.equals(transactionId) && !about.equals(payment.merchantReference())) {
                return unavailable(payment, "the answer is about another transaction");
            }
            String raw = requiredText(body, "status");
            PaymentStatus status = MypvitCallbackMapper.status(raw);
            PaymentUpdate update = PaymentUpdate.builder(MypvitCallbackMapper.PROVIDER, status, Source.STATUS_CHECK)
                    .merchantReference(payment.merchantReference())
                    // not in the documented response (§1.4); taken when an answer carries it
                    .providerReference(optionalReference(text(body, "reference_id", "transactionId")))
                    .amount(decimal(body, "amount"))
                    .currency(MypvitCallbackMapper.CURRENCY)
                    .fees(decimal(body, "fees"))
                    .payer(text(body, 64, "customer_account_number", "customerID"))
                    .operator(text(body, 64, "operator"))
                    .statusReason(reason(raw, status, text(body, 500, "message")))
                    .build();
            return new StatusAnswer.Known(update, response.body());
        } catch (CallbackRejectedException e) {
            return unavailable(payment, "malformed answer: " + e.getMessage());
        } catch (NoAnswer e) {
            return unavailable(payment, e.getMessage());
        }
    }

    /** AMBIGUOUS is kept as PENDING but worth a look (§7.2): the reason says so. */
    private static String reason(String raw, PaymentStatus status, String message) {
        if (message == null && !raw.equals(status.name())) {
            return "status " + raw;
        }
        return message;
    }

    /** A reference usable as one (printable ASCII, 1–100 characters), or null. */
    private static String optionalReference(String value) {
        if (value == null) {
            return null;
        }
        try {
            return CallbackFields.reference("reference_id", value);
        } catch (CallbackRejectedException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return MypvitSecret.encode(value);
    }

    private static StatusAnswer unavailable(Payment payment, String reason) {
        log.debug("MyPVit status of {} unavailable: {}", payment.merchantReference(), reason);
        return new StatusAnswer.Unavailable(reason);
    }
}
