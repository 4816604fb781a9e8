package io.hawt.springboot.security;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.spi.LoginModule;

import io.hawt.web.auth.RolePrincipal;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Second half of Hawtio's Spring Security integration: after Spring's {@code SecurityContextLoginModule}
 * has put the logged-in {@link Authentication} into the JAAS subject, this module adds one Hawtio
 * {@link RolePrincipal} per granted role ({@code ROLE_ops} → {@code ops}), which Hawtio then compares
 * with {@code hawtio.roles}.
 *
 * <p>{@code hawtio-springboot} 5.2.0 ships the other half ({@code SpringSecurityJAASConfiguration})
 * and turns the integration on only when a class of exactly this name is on the classpath; upstream
 * it lives in {@code hawtio-springboot-security}, which does not resolve from the Maven mirror here.
 * This is paysync's own implementation of that contract, hence the foreign package.
 */
public class HawtioSpringSecurityLoginModule implements LoginModule {

    private static final String ROLE_PREFIX = "ROLE_";

    private Subject subject;
    private final List<Principal> added = new ArrayList<>();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
    }

    @Override
    public boolean login() {
        // nothing to check: Spring Security has authenticated the user already
        return true;
    }

    @Override
    public boolean commit() {
        for (Authentication authentication : subject.getPrincipals(Authentication.class)) {
            for (GrantedAuthority authority : authentication.getAuthorities()) {
                String name = authority.getAuthority();
                if (name != null && name.startsWith(ROLE_PREFIX)) {
                    RolePrincipal role = new RolePrincipal(name.substring(ROLE_PREFIX.length()));
                    if (subject.getPrincipals().add(role)) {
                        added.add(role);
                    }
                }
            }
        }
        return true;
    }

    @Override
    public boolean abort() {
        return logout();
    }

    @Override
    public boolean logout() {
        if (subject != null) {
            subject.getPrincipals().removeAll(added);
        }
        added.clear();
        return true;
    }
}
