package io.paysync.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;

import javax.management.ObjectName;

import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The packaged {@code jolokia-access.xml}, read by Jolokia's own policy restrictor. */
class JolokiaPolicyTests {

    static PolicyRestrictor policy;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream xml = JolokiaPolicyTests.class.getResourceAsStream("/jolokia-access.xml")) {
            assertThat(xml).as("jolokia-access.xml on the classpath").isNotNull();
            policy = new PolicyRestrictor(xml);
        }
    }

    @Test
    void readingIsAllowedAndWritingIsNot() throws Exception {
        assertThat(policy.isTypeAllowed(RequestType.READ)).isTrue();
        assertThat(policy.isTypeAllowed(RequestType.LIST)).isTrue();
        assertThat(policy.isTypeAllowed(RequestType.SEARCH)).isTrue();
        assertThat(policy.isTypeAllowed(RequestType.WRITE)).isFalse();
        assertThat(policy.isAttributeReadAllowed(route("callback-mypvit"), "ExchangesTotal")).isTrue();
        assertThat(policy.isAttributeReadAllowed(new ObjectName("java.lang:type=Memory"), "HeapMemoryUsage")).isTrue();
        assertThat(policy.isAttributeWriteAllowed(route("callback-mypvit"), "Tracing")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "'org.apache.camel:context=paysync,type=context,name=\"paysync\"', dumpRoutesAsXml",
            "'org.apache.camel:context=paysync,type=context,name=\"paysync\"', 'dumpRoutesAsXml(boolean,boolean)'",
            "'org.apache.camel:context=paysync,type=routes,name=\"callback-mypvit\"', dumpRouteStatsAsXml",
            "'hawtio:type=security,name=RBACRegistry', list()",
    })
    void theReadOnlyOperationsOfHawtiosViewsAreAllowed(String mbean, String operation) throws Exception {
        assertThat(policy.isOperationAllowed(new ObjectName(mbean), operation)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "'org.apache.camel:context=paysync,type=routes,name=\"callback-mypvit\"', stop",
            "'org.apache.camel:context=paysync,type=routes,name=\"callback-mypvit\"', stop()",
            "'org.apache.camel:context=paysync,type=routes,name=\"callback-mypvit\"', remove",
            "'org.apache.camel:context=paysync,type=routes,name=\"callback-mypvit\"', updateRouteFromXml",
            "'org.apache.camel:context=paysync,type=context,name=\"paysync\"', stop",
            "'org.apache.camel:context=paysync,type=context,name=\"paysync\"', sendBody",
            "'org.apache.camel:context=paysync,type=context,name=\"paysync\"', addOrUpdateRoutesFromXml",
            "'quartz:type=QuartzScheduler,name=paysync,instance=NON_CLUSTERED', shutdown",
            "'quartz:type=QuartzScheduler,name=paysync,instance=NON_CLUSTERED', triggerJob",
            "'java.lang:type=Memory', gc",
            "'com.sun.management:type=DiagnosticCommand', vmSystemProperties",
            "'com.sun.management:type=HotSpotDiagnostic', dumpHeap",
            "'jdk.management.jfr:type=FlightRecorder', startRecording",
    })
    void everythingThatChangesOrStopsPaysyncIsRefused(String mbean, String operation) throws Exception {
        assertThat(policy.isOperationAllowed(new ObjectName(mbean), operation)).isFalse();
    }

    private static ObjectName route(String id) throws Exception {
        return new ObjectName("org.apache.camel:context=paysync,type=routes,name=\"" + id + "\"");
    }
}
