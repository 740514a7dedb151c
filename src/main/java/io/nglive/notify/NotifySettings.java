package io.nglive.notify;

import java.time.Duration;
import java.util.List;

import io.nglive.InvalidSetting;
import io.nglive.Redaction;
import io.nglive.SettingsReader;

/**
 * The event webhooks ({@code nglive.notify.*}): where every stored event is POSTed, and how a failed POST is retried.
 *
 * @param refusedAttempts how often an event the endpoint refuses outright (a 4xx) is tried before it is skipped
 */
public record NotifySettings(List<NotifyTarget> targets, Duration timeout, Duration retryDelay,
                             Duration retryMaxDelay, int refusedAttempts) {

    public static NotifySettings read(SettingsReader settings) {
        String urls = settings.optional("nglive.notify.urls").orElse("");
        List<NotifyTarget> targets;
        try {
            targets = NotifyTarget.parse(urls);
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting("nglive.notify.urls", Redaction.url(urls), e.getMessage());
        }
        return new NotifySettings(targets,
                settings.duration("nglive.notify.timeout"),
                settings.duration("nglive.notify.retry-delay"),
                settings.maxDelay("nglive.notify.retry-max-delay", "nglive.notify.retry-delay"),
                settings.integer("nglive.notify.refused-attempts", 1, 1000));
    }
}
