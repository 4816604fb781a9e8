package io.paysync.provider;

import java.util.List;

import io.paysync.system.Problem.FieldError;

/**
 * A provider's customer identity check ({@code GET /api/kyc/{provider}}), where it offers one
 * (MyPVit, PROVIDERS.md §1.5). One implementation per such provider package, a Spring bean.
 * It never throws for provider trouble: that is an {@link Answer}.
 */
public interface KycClient {

    /** The provider's name, as in {@link CallbackMapper#provider()}. */
    String provider();

    /** Adds an error for every query value the provider would refuse. */
    void validate(String msisdn, String operator, List<FieldError> errors);

    /** Asks the provider who holds {@code msisdn}. */
    Answer check(String msisdn, String operator);

    /** What the provider said. */
    sealed interface Answer {

        /** The account exists. */
        record Found(String fullName, String msisdn, Boolean active, String operator) implements Answer {
        }

        /** The provider knows no such account. */
        record NotFound(String message) implements Answer {
        }

        /** The provider refused the question, with its code and message. */
        record Refused(String code, String message) implements Answer {
        }

        /** paysync lacks the settings this needs. */
        record NotConfigured(List<String> missing) implements Answer {
        }

        /** No usable answer (network, timeout, 5xx, credentials refused). */
        record Failed(String reason, boolean timedOut) implements Answer {
        }
    }
}
