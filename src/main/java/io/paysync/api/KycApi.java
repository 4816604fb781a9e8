package io.paysync.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.paysync.provider.KycClient;
import io.paysync.provider.KycClient.Answer;
import io.paysync.provider.Providers;
import io.paysync.system.Problem.FieldError;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/kyc/{provider}?msisdn=&operator=} (CONTRACT §5): who holds a mobile-money account,
 * where the provider offers a check (MyPVit). {@code 200 {fullName, msisdn, active, operator}};
 * {@code 404} for an unknown provider or an account the provider does not know; {@code 501} for a
 * provider without KYC; {@code 400} with field errors; {@code 422} when the provider refuses the
 * question; {@code 502}/{@code 504} when it gives no usable answer; {@code 503} when not configured.
 */
@Component("kycApi")
class KycApi {

    static final String BASE = "/api/kyc/";

    private final Map<String, KycClient> clients;
    private final Providers providers;
    private final ApiReplies replies;

    KycApi(List<KycClient> clients, Providers providers, ApiReplies replies) {
        this.clients = clients.stream().collect(Collectors.toMap(KycClient::provider, Function.identity()));
        this.providers = providers;
        this.replies = replies;
    }

    /** {@code check-kyc}. */
    public void check(Exchange exchange) {
        String path = PaymentApi.rawPath(exchange);
        String provider = PaymentApi.decode(path.startsWith(BASE) ? path.substring(BASE.length()) : "");
        if (providers.mapper(provider).isEmpty()) {
            throw new ApiProblemException(404, "unknown provider '" + provider + "'; known: " + providers.names());
        }
        KycClient client = clients.get(provider);
        if (client == null) {
            throw new ApiProblemException(501, provider + " offers no customer identity check; KYC is available for "
                    + clients.keySet().stream().sorted().toList());
        }
        Map<String, String> query = PaymentApi.query(exchange);
        String msisdn = query.get("msisdn");
        String operator = query.get("operator");
        List<FieldError> errors = new ArrayList<>();
        client.validate(msisdn, operator, errors);
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        Answer answer = client.check(msisdn, operator);
        if (answer instanceof Answer.Found found) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("fullName", found.fullName());
            body.put("msisdn", found.msisdn());
            body.put("active", found.active());
            body.put("operator", found.operator());
            replies.json(exchange, 200, body, Map.of());
        } else if (answer instanceof Answer.NotFound notFound) {
            throw new ApiProblemException(404, notFound.message());
        } else if (answer instanceof Answer.Refused refused) {
            Map<String, Object> extensions = new LinkedHashMap<>();
            extensions.put("providerCode", refused.code());
            extensions.put("providerMessage", refused.message());
            throw new ApiProblemException(422, provider + " refused the check: " + refused.code()
                    + (refused.message() == null ? "" : ": " + refused.message()), extensions);
        } else if (answer instanceof Answer.NotConfigured notConfigured) {
            throw new ApiProblemException(503, provider + " KYC is not configured: "
                    + String.join(", ", notConfigured.missing()) + " missing");
        } else if (answer instanceof Answer.Failed failed) {
            throw new ApiProblemException(failed.timedOut() ? 504 : 502, provider + " gave no usable answer: "
                    + failed.reason());
        }
    }
}
