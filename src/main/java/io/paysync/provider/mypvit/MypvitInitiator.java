package io.paysync.provider.mypvit;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.PaymentStatus;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.Initiation;
import io.paysync.provider.InitiationRequest;
import io.paysync.provider.Initiator;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Setting;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.provider.ProviderSecrets;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Problem.FieldError;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * MyPVit USSD-push initiation (PROVIDERS.md §1.2): {@code POST {base}/v2/{rest-url-code}/rest} with
 * {@code X-Secret}, {@code X-Callback-MediaType: application/json} (so that callbacks come as JSON;
 * the header's effect is not confirmed by an official text) and {@code callback_url_code}, the short
 * code of the callback URL registered in the dashboard.
 *
 * <p>MyPVit keeps at most 15 characters of {@code reference} and strips its dashes: a merchant
 * reference it would alter is refused (400) rather than sent, so that callbacks and status checks
 * name exactly the payment paysync holds. The answer's {@code reference_id} ({@code PAY…}) is the
 * provider reference; {@code status FAILED} (HTTP 200 or 400) and other refusals carrying an error
 * are {@link Initiation.Refused}.
 */
@Component("mypvitInitiator")
class MypvitInitiator implements Initiator {

    /** Integrators cap {@code reference} at 15 characters (PROVIDERS.md §1.2, [3P]). */
    static final int MAX_REFERENCE = 15;
    /** {@code free_info} is capped at 15 characters by integrators (§1.2, [3P]). */
    static final int MAX_FREE_INFO = 15;
    static final Set<String> OPERATORS = Set.of("AIRTEL_MONEY", "MOOV_MONEY");
    static final Set<String> CHARGE_OWNERS = Set.of("MERCHANT", "CUSTOMER");
    static final String OPERATOR = "operator";
    static final String OWNER_CHARGE = "ownerCharge";
    private static final Wording WORDING = Wording.talkingTo("MyPVit");

    private final MypvitProperties properties;
    private final MypvitApi api;

    @Autowired
    MypvitInitiator(PaysyncProperties paysync, MypvitProperties properties, Clock clock, ProviderSecrets secrets) {
        this(paysync.provider(MypvitCallbackMapper.PROVIDER).baseUrl(), properties, clock, secrets);
    }

    MypvitInitiator(String baseUrl, MypvitProperties properties, Clock clock, ProviderSecrets secrets) {
        this.properties = properties;
        this.api = new MypvitApi(baseUrl, properties, clock, secrets);
    }

    @Override
    public String provider() {
        return MypvitCallbackMapper.PROVIDER;
    }

    @Override
    public Set<String> extras() {
        return Set.of(OPERATOR, OWNER_CHARGE);
    }

    @Override
    public void validate(InitiationRequest request, List<FieldError> errors) {
        String reference = request.merchantReference();
        if (reference.length() > MAX_REFERENCE || reference.contains("-")) {
            errors.add(new FieldError("merchantReference", "MyPVit keeps at most " + MAX_REFERENCE
                    + " characters of a reference and strips its dashes: use at most " + MAX_REFERENCE
                    + " characters without '-'"));
        }
        if (!"XAF".equals(request.currency())) {
            errors.add(new FieldError("currency", "MyPVit takes XAF only"));
        }
        if (request.amount().stripTrailingZeros().scale() > 0) {
            errors.add(new FieldError("amount", "MyPVit takes whole XAF amounts"));
        }
        if (request.payer() == null) {
            errors.add(new FieldError("payer", "is required: the customer's mobile money number"));
        }
        String operator = request.extra(OPERATOR);
        if (operator == null || !OPERATORS.contains(operator)) {
            errors.add(new FieldError(OPERATOR, "is required: one of " + sorted(OPERATORS)));
        }
        String owner = request.extra(OWNER_CHARGE);
        if (request.extras().has(OWNER_CHARGE) && (owner == null || !CHARGE_OWNERS.contains(owner))) {
            errors.add(new FieldError(OWNER_CHARGE, "must be one of " + sorted(CHARGE_OWNERS)));
        }
        if (request.description() != null && request.description().length() > MAX_FREE_INFO) {
            errors.add(new FieldError("description", "MyPVit keeps at most " + MAX_FREE_INFO
                    + " characters (sent as free_info)"));
        }
    }

    @Override
    public Initiation initiate(InitiationRequest request) {
        List<String> missing = api.missing(new Setting(MypvitProperties.REST_URL_CODE, properties.restUrlCode()),
                new Setting(MypvitProperties.CALLBACK_URL_CODE, properties.callbackUrlCode()));
        if (!missing.isEmpty()) {
            return new Initiation.NotConfigured(missing);
        }
        String owner = request.extra(OWNER_CHARGE, "MERCHANT");
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("amount", request.amount().stripTrailingZeros().toBigIntegerExact())
                .put("reference", request.merchantReference())
                .put("service", "RESTFUL")
                .put("callback_url_code", properties.callbackUrlCode())
                .put("customer_account_number", request.payer())
                .put("merchant_operation_account_code", properties.accountCode())
                .put("transaction_type", "PAYMENT")
                .put("operator_code", request.extra(OPERATOR))
                .put("owner_charge", owner)
                .put("owner_charge_operator", owner);
        if (request.description() != null) {
            body.put("free_info", request.description());
        }
        String path = "/v2/" + MypvitSecret.encode(properties.restUrlCode()) + "/rest";
        try {
            MypvitApi.Answer answer = api.send(secret -> api.http().postJson(path, MypvitApi.INVALID_BASE_URL, body)
                    .header("X-Secret", secret)
                    .header("X-Callback-MediaType", "application/json")
                    .build(), WORDING);
            if (answer.credentialsRefused()) {
                return Initiation.Failed.notAccepted("MyPVit refused paysync's secret after a renewal (HTTP "
                        + answer.response().status() + ")");
            }
            return answer(answer.response());
        } catch (NoAnswer e) {
            return Initiation.Failed.of(e);
        }
    }

    private static Initiation answer(Response response) {
        int code = response.status();
        JsonNode body = MypvitApi.body(response);
        String error = MypvitSecret.errorCode(response.body());
        String status = MypvitApi.field(body, "status");
        if (code == 404 && (error == null || MypvitApi.API_NOT_FOUND.equals(error)) && status == null) {
            return Initiation.Failed.notAccepted("MyPVit answered HTTP 404" + (error == null ? "" : " " + error)
                    + ": check " + MypvitProperties.REST_URL_CODE);
        }
        if (Initiation.Failed.notTaken(code) && status == null) {
            return Initiation.Failed.notAccepted("MyPVit answered HTTP " + code);
        }
        if (code >= 400 || "FAILED".equals(status)) {
            String providerCode = error != null ? error : MypvitApi.field(body, "status_code");
            return new Initiation.Refused(ProviderHttp.codeLike(providerCode) ? providerCode : "HTTP " + code,
                    MypvitApi.message(body));
        }
        if (body == null) {
            return new Initiation.Failed("MyPVit answered HTTP " + code + " without a readable JSON object", true,
                    false);
        }
        try {
            PaymentStatus paymentStatus = MypvitCallbackMapper.status(status == null ? "" : status);
            String reference = CallbackFields.reference("reference_id",
                    MypvitApi.field(body, "reference_id"));
            return new Initiation.Accepted(paymentStatus, reference, null, null, Map.of(), MypvitApi.message(body));
        } catch (CallbackRejectedException e) {
            return new Initiation.Failed("unreadable MyPVit answer: " + e.getMessage(), true, false);
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
