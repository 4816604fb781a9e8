package io.paysync.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ops user of the operations port ({@code paysync.ops.*}, CONTRACT §6 and §9): HTTP Basic,
 * role {@code ops}, for everything on {@code server.port} except {@code /actuator/health}.
 *
 * @param username the login, {@code ops} unless set
 * @param password its password; from the environment ({@code PAYSYNC_OPS_PASSWORD}), never
 *                 committed. When blank a random one is generated at start and logged once, so the
 *                 operations port never opens with a well-known default.
 */
@ConfigurationProperties("paysync.ops")
public record OpsProperties(@DefaultValue("ops") String username, String password) {

    @Override
    public String toString() {
        return "OpsProperties[username=" + username + ", password="
                + (password == null || password.isEmpty() ? "(none)" : "[redacted]") + "]";
    }
}
