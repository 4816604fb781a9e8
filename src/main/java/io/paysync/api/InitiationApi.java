package io.paysync.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.callback.CallbackInbox;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentInitiations;
import io.paysync.payment.PaymentInitiations.Held;
import io.paysync.payment.PaymentInitiations.Reservation;
import io.paysync.payment.PaymentJson;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentTracker;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Initiation;
import io.paysync.provider.InitiationRequest;
import io.paysync.provider.Initiator;
import io.paysync.provider.Providers;
import io.paysync.system.Problem.FieldError;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/payments} (CONTRACT §5): validates the request, reserves the payment, asks the
 * provider's {@link Initiator}, and answers:
 * <ul>
 * <li>{@code 202} with the PENDING payment (and {@code initiation}: what the customer needs, such as
 * CinetPay's payment URL or VirtualPay's account number) when the provider took it;</li>
 * <li>{@code 200} with the payment as it stands now when the same request comes again;</li>
 * <li>{@code 400} with field {@code errors} for a request paysync or the provider would refuse or alter;
 * {@code 409} for a different request under a taken reference, or a repeat while the first is in progress;</li>
 * <li>{@code 422} with {@code providerCode}, {@code providerMessage} and the FAILED {@code payment} when the
 * provider refused it;</li>
 * <li>{@code 502} (or {@code 504} on a timeout) when the provider gave no usable answer: with the PENDING
 * {@code payment} when it may have taken it (reconciled), without one when it certainly did not (nothing
 * is kept; the request may be repeated); {@code 503} when the provider is not configured.</li>
 * </ul>
 * The route hands a FAILED (or at-once final) payment to the payment pipeline between
 * {@link #initiate} and {@link #reply}, so that the answer shows it settled and its downstream event is
 * written exactly once.
 */
@Component("initiationApi")
class InitiationApi {

    private static final Logger log = LoggerFactory.getLogger(InitiationApi.class);

    /** Exchange property: the {@link Outcome} of the initiation. */
    static final String OUTCOME = "paysyncInitiation";
    static final Set<String> COMMON = Set.of("provider", "merchantReference", "amount", "currency", "payer",
            "description");
    static final Pattern PAYER = Pattern.compile("\\+?[0-9]{6,15}");
    static final int MAX_DESCRIPTION = 255;

    private final Map<String, Initiator> initiators;
    private final Providers providers;
    private final PaymentInitiations initiations;
    private final CallbackInbox inbox;
    private final ApiReplies replies;
    private final ObjectMapper json;
    private final ObjectReader bodies;

    InitiationApi(List<Initiator> initiators, Providers providers, PaymentInitiations initiations, CallbackInbox inbox,
            ApiReplies replies, ObjectMapper json) {
        this.initiators = initiators.stream().collect(Collectors.toMap(Initiator::provider, Function.identity()));
        this.providers = providers;
        this.initiations = initiations;
        this.inbox = inbox;
        this.replies = replies;
        this.json = json;
        this.bodies = PaymentApi.bodyReader(json);
    }

    /** What came of the initiation, for {@link #reply}. */
    record Outcome(Kind kind, String provider, String merchantReference, String detail, Initiation initiation) {
    }

    enum Kind {
        ACCEPTED, REPEATED, REFUSED, UNKNOWN, NOT_ACCEPTED, NOT_CONFIGURED
    }

    /** {@code initiate-payment}: leaves an {@link Outcome}, and an inbox id to hand to the pipeline when settled. */
    public void initiate(Exchange exchange) {
        exchange.setProperty(CallbackInbox.HAND_OFF, false);
        InitiationRequest request = request(PaymentApi.jsonBody(exchange, bodies));
        Initiator initiator = initiators.get(request.provider());
        Reservation reservation;
        try {
            reservation = initiations.reserve(new PaymentInitiations.Request(request.provider(),
                    request.merchantReference(), request.amount(), request.currency(), request.payer(),
                    fields(request)));
        } catch (PaymentTracker.ConflictException | PaymentInitiations.InProgressException e) {
            throw new ApiProblemException(409, e.getMessage());
        }
        if (reservation instanceof Reservation.Existing) {
            outcome(exchange, Kind.REPEATED, request, null, null);
            return;
        }
        Payment payment = ((Reservation.Reserved) reservation).payment();
        Initiation initiation;
        try {
            initiation = initiator.initiate(request);
        } catch (RuntimeException e) {
            log.error("{} initiation of {} failed unexpectedly", request.provider(), request.merchantReference(), e);
            initiation = new Initiation.Failed("unexpected error: " + e.getClass().getSimpleName(), true, false);
        }
        settle(exchange, payment, request, initiation);
    }

    private void settle(Exchange exchange, Payment payment, InitiationRequest request, Initiation initiation) {
        if (initiation instanceof Initiation.Accepted accepted) {
            initiations.accepted(payment.id(), accepted.providerReference(), accepted.virtualAccount(),
                    accepted.customerId(), accepted.instructions(), accepted.statusReason());
            if (accepted.status().isFinal()) {
                handOff(exchange, payment, accepted.status(), accepted.providerReference(), accepted.statusReason());
            }
            outcome(exchange, Kind.ACCEPTED, request, null, initiation);
        } else if (initiation instanceof Initiation.Refused refused) {
            initiations.refused(payment.id(), refused.code(), refused.message());
            String reason = refused.code() + (refused.message() == null ? "" : ": " + refused.message());
            handOff(exchange, payment, PaymentStatus.FAILED, null, "refused at initiation: " + reason);
            outcome(exchange, Kind.REFUSED, request, request.provider() + " refused the payment: " + reason,
                    initiation);
        } else if (initiation instanceof Initiation.NotConfigured notConfigured) {
            initiations.release(payment.id());
            outcome(exchange, Kind.NOT_CONFIGURED, request, request.provider() + " initiation is not configured: "
                    + String.join(", ", notConfigured.missing()) + " missing; nothing was sent", initiation);
        } else if (initiation instanceof Initiation.Failed failed && failed.maybeAccepted()) {
            log.warn("{} initiation of {} has no answer ({}): kept PENDING for reconciliation", request.provider(),
                    request.merchantReference(), failed.reason());
            initiations.unknown(payment.id(), failed.reason());
            outcome(exchange, Kind.UNKNOWN, request, request.provider() + " gave no usable answer ("
                    + failed.reason() + "); it may have taken the payment, which is kept PENDING and reconciled",
                    initiation);
        } else if (initiation instanceof Initiation.Failed failed) {
            initiations.release(payment.id());
            outcome(exchange, Kind.NOT_ACCEPTED, request, request.provider() + " did not take the payment ("
                    + failed.reason() + "); nothing was kept, the request may be repeated", initiation);
        }
    }

    /** Records a settled outcome like a status answer, for the pipeline (state rules, outbox) to apply. */
    private void handOff(Exchange exchange, Payment payment, PaymentStatus status, String providerReference,
            String reason) {
        long inboxId = inbox.recordOwn(payment.provider(), "INITIATION", null,
                PaymentUpdate.builder(payment.provider(), status, Source.API)
                        .merchantReference(payment.merchantReference())
                        .providerReference(providerReference)
                        .statusReason(reason)
                        .build());
        exchange.setProperty(CallbackInbox.HAND_OFF, true);
        exchange.getMessage().setBody(inboxId);
    }

    /** {@code reply-initiation}: the answer, from the payment as it now stands. */
    public void reply(Exchange exchange) {
        Outcome outcome = exchange.getProperty(OUTCOME, Outcome.class);
        Held held = initiations.held(outcome.provider(), outcome.merchantReference()).orElse(null);
        switch (outcome.kind()) {
            case ACCEPTED -> replies.json(exchange, 202, body(held), Map.of("Location", PaymentApi.BASE + "/"
                    + outcome.provider() + "/" + PaymentApi.encode(outcome.merchantReference())));
            case REPEATED -> replies.json(exchange, 200, body(held), Map.of());
            case REFUSED -> {
                Initiation.Refused refused = (Initiation.Refused) outcome.initiation();
                Map<String, Object> extensions = new LinkedHashMap<>();
                extensions.put("providerCode", refused.code());
                extensions.put("providerMessage", refused.message());
                extensions.put("payment", PaymentJson.of(held.payment()));
                throw new ApiProblemException(422, outcome.detail(), extensions);
            }
            case UNKNOWN -> throw new ApiProblemException(timedOut(outcome) ? 504 : 502, outcome.detail(),
                    Map.of("payment", PaymentJson.of(held.payment())));
            case NOT_ACCEPTED -> throw new ApiProblemException(timedOut(outcome) ? 504 : 502, outcome.detail());
            case NOT_CONFIGURED -> throw new ApiProblemException(503, outcome.detail());
        }
    }

    private static boolean timedOut(Outcome outcome) {
        return outcome.initiation() instanceof Initiation.Failed failed && failed.timedOut();
    }

    private static Map<String, Object> body(Held held) {
        Map<String, Object> body = PaymentJson.of(held.payment());
        if (!held.answer().isEmpty()) {
            body.put("initiation", held.answer());
        }
        return body;
    }

    private static void outcome(Exchange exchange, Kind kind, InitiationRequest request, String detail,
            Initiation initiation) {
        exchange.setProperty(OUTCOME, new Outcome(kind, request.provider(), request.merchantReference(), detail,
                initiation));
    }

    // --- the request ---

    /** The request, validated: 400 with every field error at once. */
    private InitiationRequest request(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        String provider = PaymentApi.text(body, "provider", errors);
        Initiator initiator = provider == null ? null : initiators.get(provider);
        if (provider == null) {
            errors.add(new FieldError("provider", "is required"));
        } else if (initiator == null) {
            errors.add(new FieldError("provider", "must be one of " + initiators.keySet().stream().sorted().toList()
                    + (providers.mapper(provider).isPresent() ? " (" + provider + " offers no initiation)" : "")));
        } else if (!providers.enabled(provider)) {
            errors.add(PaymentApi.disabled(provider));
        }
        String reference = PaymentApi.text(body, "merchantReference", errors);
        if (reference == null) {
            errors.add(new FieldError("merchantReference", "is required"));
        }
        reference = PaymentApi.reference("merchantReference", reference, errors);
        BigDecimal amount = PaymentApi.amount(body, errors);
        String currency = PaymentApi.text(body, "currency", errors);
        if (currency == null) {
            errors.add(new FieldError("currency", "is required"));
        } else if (!PaymentApi.CURRENCY.matcher(currency).matches()) {
            errors.add(new FieldError("currency", "must be an ISO 4217 code such as XAF"));
        }
        String payer = PaymentApi.text(body, "payer", errors);
        if (payer != null && !PAYER.matcher(payer).matches()) {
            errors.add(new FieldError("payer", "must be a phone number: 6 to 15 digits, optionally after '+'"));
        }
        String description = PaymentApi.text(body, "description", errors);
        if (description != null && (description.length() > MAX_DESCRIPTION || description.isBlank()
                || description.chars().anyMatch(Character::isISOControl))) {
            errors.add(new FieldError("description", "must be 1 to " + MAX_DESCRIPTION
                    + " characters without control characters"));
        }
        ObjectNode extras = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (COMMON.contains(field.getKey()) || field.getValue().isNull()) {
                continue;
            }
            if (initiator != null && !initiator.extras().contains(field.getKey())) {
                errors.add(new FieldError(field.getKey(), "is not a field of " + provider + " payments; they take "
                        + initiator.extras().stream().sorted().toList()));
            } else {
                extras.set(field.getKey(), field.getValue());
            }
        }
        InitiationRequest request = new InitiationRequest(provider, reference, amount, currency, payer, description,
                extras);
        if (errors.isEmpty()) {
            initiator.validate(request, errors);
        }
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        return request;
    }

    /** The request's fields as {@link PaymentInitiations.Request#fields()} compares them. */
    private static Map<String, String> fields(InitiationRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("amount", request.amount().stripTrailingZeros().toPlainString());
        fields.put("currency", request.currency());
        if (request.payer() != null) {
            fields.put("payer", request.payer());
        }
        if (request.description() != null) {
            fields.put("description", request.description());
        }
        request.extras().fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue().toString()));
        return fields;
    }
}
