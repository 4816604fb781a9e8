package io.paysync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a simulator answers. */
record SandboxReply(int status, String contentType, String body) {

    static SandboxReply json(int status, JsonNode body) {
        return new SandboxReply(status, "application/json", body.toString());
    }

    static SandboxReply text(int status, String body) {
        return new SandboxReply(status, "text/plain; charset=UTF-8", body);
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A refusal: the simulator answers {@link #reply()} at once. */
    static final class Refusal extends RuntimeException {

        private final transient SandboxReply reply;

        Refusal(SandboxReply reply) {
            super(reply.body(), null, false, false);
            this.reply = reply;
        }

        SandboxReply reply() {
            return reply;
        }
    }

    Refusal refusal() {
        return new Refusal(this);
    }
}
