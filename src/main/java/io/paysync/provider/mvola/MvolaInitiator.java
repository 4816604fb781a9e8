package io.paysync.provider.mvola;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.PaymentStatus;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.CallbackUrls;
import io.paysync.provider.Initiation;
import io.paysync.provider.InitiationRequest;
import io.paysync.provider.Initiator;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Problem.FieldError;
import org.springframework.stereotype.Component;

/**
 * MVola Merchant Pay initiation (mvola-merchantpay-v1.txt; PROVIDERS.md §5.2):
 * {@code POST {base}/mvola/mm/transactions/type/merchantpay/1.0.0/} with the common headers
 * ({@link MvolaTokens#headers}) and {@code X-Callback-URL} = paysync's MVola callback URL with its token.
 * The body follows the document: {@code amount} as a string without decimals, {@code currency "Ar"},
 * {@code descriptionText} and {@code requestingOrganisationTransactionReference} of at most 50 characters
 * (letters, digits, spaces and {@code - . _ ,}), {@code requestDate}, debit and credit parties, and the
 * {@code partnerName}, {@code fc} and {@code amountFc} metadata, without which the sandbox answers
 * "Missing field" 4001 ([3P]). {@code fc}/{@code amountFc} default to the document's sample values
 * ({@code USD}, {@code 1}); their meaning beyond "foreign currency" is not documented.
 *
 * <p>The answer's {@code serverCorrelationId} is kept as the provider reference: MVola callbacks and status
 * checks are matched through it alone. A timeout therefore leaves a PENDING payment that status checks cannot
 * find (no serverCorrelationId); it becomes UNCERTAIN after {@code give-up-after}, and a callback for it is
 * kept as an UNREGISTERED payment.
 */
@Component("mvolaInitiator")
class MvolaInitiator implements Initiator {

    static final String PATH = "/mvola/mm/transactions/type/merchantpay/1.0.0/";
    static final int MAX_TEXT = 50;
    /** "At most 50 characters long without special character except - . _ ," (spaces kept: not special). */
    static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 ._,-]{1,50}");
    static final String CURRENCY = "MGA";
    static final String MVOLA_CURRENCY = "Ar";
    static final String FC = "fc";
    static final String AMOUNT_FC = "amountFc";
    /** {@code yyyy-MM-dd'T'HH:mm:ss.SSSZ} in UTC, written with a {@code Z} as the document's samples show. */
    static final DateTimeFormatter REQUEST_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String INVALID_BASE_URL = MvolaProperties.BASE_URL + " is not an http(s) URL";
    private static final Wording WORDING = Wording.talkingTo("MVola");

    private final MvolaProperties properties;
    private final CallbackUrls callbackUrls;
    private final Clock clock;
    private final ProviderHttp http;
    private final MvolaTokens tokens;

    MvolaInitiator(PaysyncProperties paysync, MvolaProperties properties, CallbackUrls callbackUrls, Clock clock) {
        this.properties = properties;
        this.callbackUrls = callbackUrls;
        this.clock = clock;
        this.http = new ProviderHttp(paysync.provider(MvolaCallbackMapper.PROVIDER).baseUrl(), properties.timeout());
        this.tokens = new MvolaTokens(http, properties, clock);
    }

    @Override
    public String provider() {
        return MvolaCallbackMapper.PROVIDER;
    }

    @Override
    public Set<String> extras() {
        return Set.of(FC, AMOUNT_FC);
    }

    @Override
    public void validate(InitiationRequest request, List<FieldError> errors) {
        if (!TEXT.matcher(request.merchantReference()).matches()) {
            errors.add(new FieldError("merchantReference", "MVola takes at most " + MAX_TEXT
                    + " letters, digits and - . _ ,"));
        }
        if (!CURRENCY.equals(request.currency())) {
            errors.add(new FieldError("currency", "MVola takes MGA (Ariary) only"));
        }
        if (request.amount().stripTrailingZeros().scale() > 0) {
            errors.add(new FieldError("amount", "MVola takes amounts without decimals"));
        }
        if (request.payer() == null) {
            errors.add(new FieldError("payer", "is required: the customer's MVola number"));
        }
        if (request.description() == null || !TEXT.matcher(request.description()).matches()) {
            errors.add(new FieldError("description", "is required by MVola: at most " + MAX_TEXT
                    + " letters, digits, spaces and - . _ ,"));
        }
        for (String field : List.of(FC, AMOUNT_FC)) {
            if (request.extras().has(field) && (request.extra(field) == null
                    || !TEXT.matcher(request.extra(field)).matches())) {
                errors.add(new FieldError(field, "must be a string of at most " + MAX_TEXT
                        + " letters, digits and - . _ ,"));
            }
        }
    }

    @Override
    public Initiation initiate(InitiationRequest request) {
        List<String> missing = new ArrayList<>();
        if (http.baseUrl() == null) {
            missing.add(MvolaProperties.BASE_URL);
        }
        missing.addAll(properties.missing());
        if (!missing.isEmpty()) {
            return new Initiation.NotConfigured(missing);
        }
        try {
            URI uri = http.uri(PATH, INVALID_BASE_URL);
            String body = body(request).toString();
            MvolaTokens.Token token = tokens.token();
            Response response = http.send(request(uri, body, token), WORDING);
            if (response.status() == 401) {
                tokens.drop(token);
                response = http.send(request(uri, body, tokens.token()), WORDING);
            }
            return answer(response);
        } catch (NoAnswer e) {
            return Initiation.Failed.of(e);
        }
    }

    private ObjectNode body(InitiationRequest request) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode()
                .put("amount", request.amount().stripTrailingZeros().toBigIntegerExact().toString())
                .put("currency", MVOLA_CURRENCY)
                .put("descriptionText", request.description())
                .put("requestingOrganisationTransactionReference", request.merchantReference())
                .put("requestDate", REQUEST_DATE.format(clock.instant()))
                .put("originalTransactionReference", request.merchantReference());
        body.set("debitParty", party(request.payer()));
        body.set("creditParty", party(properties.partnerMsisdn().strip()));
        ArrayNode metadata = body.putArray("metadata");
        metadata.addObject().put("key", "partnerName").put("value", properties.partnerName().strip());
        metadata.addObject().put("key", "fc").put("value", request.extra(FC, "USD"));
        metadata.addObject().put("key", "amountFc").put("value", request.extra(AMOUNT_FC, "1"));
        return body;
    }

    private static ArrayNode party(String msisdn) {
        ArrayNode party = JsonNodeFactory.instance.arrayNode();
        party.addObject().put("key", "msisdn").put("value", msisdn);
        return party;
    }

    private HttpRequest request(URI uri, String body, MvolaTokens.Token token) throws NoAnswer {
        try {
            return tokens.headers(HttpRequest.newBuilder(uri).timeout(properties.timeout()), token)
                    .header("Content-Type", "application/json")
                    .header("X-Callback-URL", callbackUrls.of(MvolaCallbackMapper.PROVIDER))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new NoAnswer(MvolaProperties.PARTNER_NAME + " or " + MvolaProperties.PARTNER_MSISDN
                    + " is not a valid header value", NoAnswer.Delivery.NOT_SENT);
        }
    }

    private static Initiation answer(Response response) {
        int code = response.status();
        if (Initiation.Failed.notTaken(code)) {
            return Initiation.Failed.notAccepted("MVola answered HTTP " + code
                    + (MvolaTokens.rejectsCredentials(response.body()) ? ": " + MvolaStatusClient.CREDENTIALS_REJECTED
                    : ""));
        }
        JsonNode body = ProviderHttp.objectOrNull(response.body());
        if (code >= 400) {
            return new Initiation.Refused(errorCode(body, code), description(body));
        }
        if (body == null) {
            return new Initiation.Failed("MVola answered HTTP " + code + " without a readable JSON object", true,
                    false);
        }
        try {
            String correlationId = CallbackFields.reference("serverCorrelationId",
                    CallbackFields.string(body, "serverCorrelationId"));
            String status = CallbackFields.text(body, "status");
            PaymentStatus paymentStatus = status == null ? PaymentStatus.PENDING
                    : MvolaCallbackMapper.status("status", status);
            String method = CallbackFields.text(body, 16, "notificationMethod");
            return new Initiation.Accepted(paymentStatus, correlationId, null, null,
                    method == null ? Map.of() : Map.of("notificationMethod", method), null);
        } catch (CallbackRejectedException e) {
            return new Initiation.Failed("unreadable MVola answer: " + e.getMessage(), true, false);
        }
    }

    /** {@code errorCode} plus the {@code mmErrorCode} parameter, e.g. {@code formatError/4001}. */
    private static String errorCode(JsonNode body, int status) {
        String code = body == null ? null : body.path("errorCode").asText(null);
        String mm = null;
        if (body != null && body.path("errorParameters").isArray()) {
            for (JsonNode parameter : body.get("errorParameters")) {
                if ("mmErrorCode".equals(parameter.path("key").asText())) {
                    mm = parameter.path("value").asText(null);
                }
            }
        }
        code = ProviderHttp.codeLike(code) ? code : null;
        mm = ProviderHttp.codeLike(mm) ? mm : null;
        String joined = code == null ? mm : mm == null ? code : code + "/" + mm;
        return joined == null ? "HTTP " + status : joined;
    }

    private static String description(JsonNode body) {
        String text = body == null ? null : body.path("errorDescription").asText(null);
        return text == null ? null : ProviderHttp.shortened(text);
    }
}
