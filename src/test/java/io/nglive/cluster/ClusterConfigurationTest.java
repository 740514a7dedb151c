package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class ClusterConfigurationTest {

    @Test
    void theCoordinatorQueuesEveryDecisionWhileItIsBusy() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            ScheduledExecutorService coordinator = ClusterConfiguration.coordinator(camel, this);
            CountDownLatch busy = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            coordinator.execute(() -> {
                try {
                    busy.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // 3,000 nodes' hellos while it works through something long: none refused
            for (int i = 0; i < 3_000; i++) {
                coordinator.execute(ran::incrementAndGet);
            }
            busy.countDown();
            coordinator.shutdown();
            assertThat(coordinator.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).hasValue(3_000);
        }
    }
}
