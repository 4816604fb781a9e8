package io.paysync.payment;

import java.time.Clock;

import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** Beans the YAML routes of the payment pipeline refer to by name. */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    /** The idempotent gate in front of the outbox: one final outcome per (provider, merchant reference). */
    @Bean
    JdbcIdempotentRepository finalOutcomeRepository(NamedParameterJdbcTemplate jdbc, Clock clock) {
        return new JdbcIdempotentRepository(jdbc, "final-outcome", clock);
    }

    /** {@code transacted: {ref: required}} in routes: join or start a database transaction. */
    @Bean
    SpringTransactionPolicy required(PlatformTransactionManager transactions) {
        SpringTransactionPolicy policy = new SpringTransactionPolicy(transactions);
        policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        return policy;
    }
}
