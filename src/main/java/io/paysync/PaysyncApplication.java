package io.paysync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * paysync: one callback gateway in front of MyPVit, CinetPay, EllyPay, VirtualPay and MVola.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PaysyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(PaysyncApplication.class, args);
    }
}
