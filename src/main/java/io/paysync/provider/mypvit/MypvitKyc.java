package io.paysync.provider.mypvit;

import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.provider.KycClient;
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
 * MyPVit's KYC API (PROVIDERS.md §1.5): {@code GET {base}/v2/{kyc-url-code}/kyc?customerAccountNumber=&operatorCode=}
 * with {@code X-Secret}. No official specification was found: the fields ({@code full_name},
 * {@code customer_account_number}, {@code is_active}, {@code operator}) come from integrators, who
 * disagree on a {@code data} envelope, so both shapes are read.
 */
@Component("mypvitKyc")
class MypvitKyc implements KycClient {

    static final Pattern MSISDN = Pattern.compile("\\+?[0-9]{6,15}");
    private static final Wording WORDING = Wording.talkingTo("MyPVit");

    private final MypvitProperties properties;
    private final MypvitApi api;

    @Autowired
    MypvitKyc(PaysyncProperties paysync, MypvitProperties properties, Clock clock, ProviderSecrets secrets) {
        this(paysync.provider(MypvitCallbackMapper.PROVIDER).baseUrl(), properties, clock, secrets);
    }

    MypvitKyc(String baseUrl, MypvitProperties properties, Clock clock, ProviderSecrets secrets) {
        this.properties = properties;
        this.api = new MypvitApi(baseUrl, properties, clock, secrets);
    }

    @Override
    public String provider() {
        return MypvitCallbackMapper.PROVIDER;
    }

    @Override
    public void validate(String msisdn, String operator, List<FieldError> errors) {
        if (msisdn == null) {
            errors.add(new FieldError("msisdn", "is required"));
        } else if (!MSISDN.matcher(msisdn).matches()) {
            errors.add(new FieldError("msisdn", "must be 6 to 15 digits, optionally after '+'"));
        }
        if (operator == null || !MypvitInitiator.OPERATORS.contains(operator)) {
            errors.add(new FieldError("operator", "is required: one of "
                    + MypvitInitiator.OPERATORS.stream().sorted().toList()));
        }
    }

    @Override
    public Answer check(String msisdn, String operator) {
        List<String> missing = api.missing(new Setting(MypvitProperties.KYC_URL_CODE, properties.kycUrlCode()));
        if (!missing.isEmpty()) {
            return new Answer.NotConfigured(missing);
        }
        String pathAndQuery = "/v2/" + MypvitSecret.encode(properties.kycUrlCode()) + "/kyc"
                + "?customerAccountNumber=" + MypvitSecret.encode(msisdn)
                + "&operatorCode=" + MypvitSecret.encode(operator);
        try {
            MypvitApi.Answer answer = api.send(secret -> HttpRequest.newBuilder(
                            api.http().uri(pathAndQuery, MypvitApi.INVALID_BASE_URL))
                    .timeout(properties.timeout())
                    .header("X-Secret", secret)
                    .header("Accept", "application/json")
                    .GET()
                    .build(), WORDING);
            if (answer.credentialsRefused()) {
                return new Answer.Failed("MyPVit refused paysync's secret after a renewal", false);
            }
            return answer(answer.response(), msisdn, operator);
        } catch (NoAnswer e) {
            return new Answer.Failed(e.getMessage(), e.delivery() == NoAnswer.Delivery.TIMED_OUT);
        }
    }

    private static Answer answer(Response response, String msisdn, String operator) {
        int code = response.status();
        JsonNode body = MypvitApi.body(response);
        String error = MypvitSecret.errorCode(response.body());
        if (code >= 500 || code < 200 || (code >= 300 && code < 400)) {
            return new Answer.Failed("MyPVit answered HTTP " + code, false);
        }
        if (MypvitApi.API_NOT_FOUND.equals(error)) {
            return new Answer.Failed("MyPVit answered " + error + ": check " + MypvitProperties.KYC_URL_CODE, false);
        }
        if (code == 404 || (error != null && error.endsWith("NOT_FOUND"))) {
            String message = MypvitApi.message(body);
            return new Answer.NotFound(message != null ? message : "MyPVit knows no " + operator + " account " + msisdn);
        }
        if (code >= 400 || error != null) {
            return new Answer.Refused(error != null ? error : "HTTP " + code, MypvitApi.message(body));
        }
        JsonNode data = body == null ? null : body.path("data").isObject() ? body.get("data") : body;
        String fullName = data == null ? null : first(MypvitApi.field(data, "full_name"),
                MypvitApi.field(data, "fullName"), MypvitApi.field(data, "name"));
        if (fullName == null) {
            return new Answer.Failed("MyPVit answered without full_name", false);
        }
        String account = first(MypvitApi.field(data, "customer_account_number"), msisdn);
        String answeredOperator = first(MypvitApi.field(data, "operator"), operator);
        return new Answer.Found(ProviderHttp.shortened(fullName), account, active(data.get("is_active")),
                answeredOperator);
    }

    /** {@code is_active} as a boolean, a "true"/"false" string or 1/0; null when absent or unreadable. */
    private static Boolean active(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber()) {
            return value.asInt() != 0;
        }
        String text = value.asText();
        return Set.of("true", "1", "yes", "active").contains(text.toLowerCase(java.util.Locale.ROOT)) ? Boolean.TRUE
                : Set.of("false", "0", "no", "inactive").contains(text.toLowerCase(java.util.Locale.ROOT))
                        ? Boolean.FALSE : null;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
