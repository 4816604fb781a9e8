package io.paysync.payment;

/** How an update finds the payment it belongs to. */
public enum Match {
    /** By (provider, merchant reference), after the provider's reference normalisation. */
    MERCHANT_REFERENCE,
    /**
     * By the provider reference stored at initiation (MVola's serverCorrelationId); an unknown one
     * becomes a payment of its own with merchantReference = providerReference, flagged UNREGISTERED.
     */
    PROVIDER_REFERENCE,
    /**
     * By the virtual account paysync generated for a payment (VirtualPay); any other transfer is a
     * payment of its own under its merchantReference.
     */
    VIRTUAL_ACCOUNT
}
