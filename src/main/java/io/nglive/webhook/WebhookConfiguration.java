package io.nglive.webhook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nglive.NodeSettings;
import io.nglive.ServerConfiguration;
import io.nglive.ServerSettings;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import io.nglive.recorder.RecorderSettings;
import io.nglive.upload.UploadSettings;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * What takes recordings in (routes/10-webhook): the recorders' webhooks, each stored with its job before it is
 * answered, and the works-path scan that finds the recordings whose webhook never came.
 */
public final class WebhookConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public WorksPath worksPath(@BeanInject("nodeSettings") NodeSettings node) {
        return new WorksPath(node.worksPath());
    }

    @BindToRegistry(lazy = true)
    public WebhookMetrics webhookMetrics(CamelContext camel) {
        return new WebhookMetrics(ServerConfiguration.meters(camel));
    }

    @BindToRegistry(value = "webhook", lazy = true)
    public WebhookIntake intake(@BeanInject("worksPath") WorksPath works, @BeanInject("events") EventLog events,
                                @BeanInject("journal") JobJournal journal,
                                @BeanInject("openRecordings") OpenRecordings open,
                                @BeanInject("webhookMetrics") WebhookMetrics metrics) {
        return new WebhookIntake(new WebhookReader(works), events, journal, open, metrics);
    }

    @BindToRegistry(lazy = true)
    public BlrecWebhook blrecWebhook(@BeanInject("worksPath") WorksPath works,
                                     @BeanInject("webhook") WebhookIntake intake) {
        return new BlrecWebhook(new BlrecReader(works), intake);
    }

    @BindToRegistry(lazy = true)
    public DdtvWebhook ddtvWebhook(@BeanInject("worksPath") WorksPath works, @BeanInject("webhook") WebhookIntake intake) {
        return new DdtvWebhook(new DdtvReader(works), intake);
    }

    /** The scan leaves nglive's own directories alone, should they lie inside the works path. */
    @BindToRegistry(lazy = true)
    public RecordingScan recordingScan(@BeanInject("worksPath") WorksPath works,
                                       @BeanInject("nodeSettings") NodeSettings node,
                                       @BeanInject("serverSettings") ServerSettings server,
                                       @BeanInject("uploadTargets") Map<String, UploadSettings> targets,
                                       @BeanInject("recorderSettings") RecorderSettings recorder,
                                       @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                       @BeanInject("openRecordings") OpenRecordings open,
                                       @BeanInject("roomIdle") RecordingScan.RoomIdle roomIdle,
                                       @BeanInject("database") Database database) {
        List<Path> own = new ArrayList<>(List.of(node.outPath(), server.dataPath()));
        targets.forEach((name, target) -> {
            if (name.equals(UploadSettings.DEFAULT) || target.target().equals("file")) {
                own.add(target.dir());
            }
        });
        return new RecordingScan(works, own, journal, events, open, roomIdle, recorder.scanInterval(),
                database::firstStart);
    }

    @Override
    public void configure(CamelContext camel) {
    }
}
