package io.paysync.system;

import java.security.SecureRandom;
import java.util.HexFormat;

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
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .anyRequest().hasRole(ROLE))
                .httpBasic(Customizer.withDefaults())
                // the actuator is an API called with Basic credentials, not a browser form
                .csrf(csrf -> csrf.ignoringRequestMatchers(EndpointRequest.toAnyEndpoint()))
                .build();
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
