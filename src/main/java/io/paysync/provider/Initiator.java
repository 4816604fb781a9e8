package io.paysync.provider;

import java.util.List;
import java.util.Set;

import io.paysync.system.Problem.FieldError;

/**
 * Starts a payment with a provider (its initiation API), for {@code POST /api/payments}. One
 * implementation per provider package that offers initiation, a Spring bean.
 *
 * <p>It never throws for provider trouble: network failures, timeouts, 5xx and refusals are
 * {@link Initiation} outcomes, and which one decides what is kept of the payment (see
 * {@link Initiation.Failed#maybeAccepted()}).
 */
public interface Initiator {

    /** The provider's name, as in {@link CallbackMapper#provider()}. */
    String provider();

    /** The provider's own request fields (besides the common ones); any other field is refused. */
    Set<String> extras();

    /**
     * Adds an error for every field the provider would refuse or alter (reference length and
     * characters, amount precision, currency, required fields…), before anything is stored or sent.
     */
    void validate(InitiationRequest request, List<FieldError> errors);

    /** Asks the provider to start the payment; called once per accepted request. */
    Initiation initiate(InitiationRequest request);
}
