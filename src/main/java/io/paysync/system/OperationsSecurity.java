package io.paysync.system;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Security of the operations port (CONTRACT §6): Spring's own Tomcat on {@code server.port}.
 * {@code /actuator/health} and its groups are open, for load balancers and orchestrators;
 * everything else needs HTTP Basic with the ops user ({@code paysync.ops.*}, role {@code ops}).
 *
 * <p>The public port (Vert.x platform-http) is not a servlet container: this filter chain never
 * sees its requests; callbacks and the merchant API have their own checks.
 */
@Configuration(proxyBeanMethods = false)
class OperationsSecurity {

    static final String ROLE = "ops";

    private static final Logger log = LoggerFactory.getLogger(OperationsSecurity.class);

    @Bean
    SecurityFilterChain operationsFilterChain(HttpSecurity http) throws Exception {
        RequestMatcher console = new OrRequestMatcher(
                EndpointRequest.to("hawtio", "jolokia"), PathPatternRequestMatcher.withDefaults().matcher("/login"));
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        // the error page, so that a refusal keeps its own status (403) instead of a 401
                        .requestMatchers("/error").permitAll()
                        .anyRequest().hasRole(ROLE))
                // browsers (Hawtio) get Spring's login page and a session; scripts and Prometheus use Basic
                .formLogin(form -> form.defaultSuccessUrl("/actuator/hawtio/", false))
                .httpBasic(Customizer.withDefaults())
                // Hawtio and Jolokia are used from a logged-in browser session, so their writes need the
                // CSRF token, which Hawtio's front end reads from the XSRF-TOKEN cookie; the other
                // endpoints are read-only APIs called with Basic credentials
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        .ignoringRequestMatchers(new AndRequestMatcher(EndpointRequest.toAnyEndpoint(),
                                new NegatedRequestMatcher(console))))
                .addFilterAfter(new CsrfCookieWriter(), BasicAuthenticationFilter.class)
                .build();
    }

    /**
     * Spring Security loads the CSRF token lazily, so the {@code XSRF-TOKEN} cookie would only be
     * written by a request that happened to need it; Hawtio's first POST to Jolokia would then fail.
     * Touching the token on every request writes the cookie as soon as the console loads.
     */
    static final class CsrfCookieWriter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }

    /** The ops user; also keeps Spring Boot from generating its own "user" with a logged password. */
    @Bean
    UserDetailsService opsUser(OpsProperties ops) {
        String password = ops.password();
        if (password == null || password.isBlank()) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = HexFormat.of().formatHex(random);
            log.warn("paysync.ops.password is not set; generated for this run (user {}): {}", ops.username(),
                    password);
        }
        return new InMemoryUserDetailsManager(User.withUsername(ops.username())
                .password(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password))
                .roles(ROLE)
                .build());
    }
}
