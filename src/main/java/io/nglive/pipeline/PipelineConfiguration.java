package io.nglive.pipeline;

import java.util.List;

import io.nglive.NodeSettings;
import io.nglive.ServerConfiguration;
import io.nglive.SettingsReader;
import io.nglive.api.JobsApi;
import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import io.nglive.transcode.OutOfSpace;
import io.nglive.transcode.TranscodeSettings;
import io.nglive.transcode.Transcoder;
import io.nglive.upload.UploadSettings;
import io.nglive.upload.UploadTargets;
import io.nglive.upload.Uploader;
import io.nglive.webhook.WorksPath;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** The stages routes/30-pipeline runs a job through (transcode, upload), and the job API. */
public final class PipelineConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public PipelineSettings pipelineSettings(@BeanInject("settings") SettingsReader settings) {
        return PipelineSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public TranscodeSettings transcodeSettings(@BeanInject("settings") SettingsReader settings) {
        return TranscodeSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public UploadSettings uploadSettings(@BeanInject("settings") SettingsReader settings) {
        return UploadSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public PipelineMetrics pipelineMetrics(CamelContext camel) {
        return new PipelineMetrics(ServerConfiguration.meters(camel));
    }

    @BindToRegistry(lazy = true)
    public FileRoots fileRoots(@BeanInject("worksPath") WorksPath works, @BeanInject("nodeSettings") NodeSettings node) {
        return new FileRoots(works.root(), node.outPath());
    }

    @BindToRegistry(lazy = true)
    public StageRunner transcodeStage(@BeanInject("pipelineSettings") PipelineSettings settings,
                                      @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                      @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new StageRunner("transcode", StageEvents.TRANSCODE,
                new StageSlots("transcode", settings.transcodeWorkers()), journal, events, settings.progressInterval(),
                failure -> failure instanceof OutOfSpace ? settings.transcodeSpaceRetries() : settings.transcodeRetries(),
                metrics);
    }

    @BindToRegistry(lazy = true)
    public StageRunner uploadStage(@BeanInject("pipelineSettings") PipelineSettings settings,
                                   @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                   @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new StageRunner("upload", StageEvents.UPLOAD,
                new StageSlots("upload", settings.uploadWorkers()), journal, events, settings.progressInterval(),
                failure -> settings.uploadRetries(), metrics);
    }

    @BindToRegistry(lazy = true)
    public Pipeline pipeline(CamelContext camel, @BeanInject("journal") JobJournal journal,
                             @BeanInject("worksPath") WorksPath works,
                             @BeanInject("transcodeStage") StageRunner transcode,
                             @BeanInject("uploadStage") StageRunner upload,
                             @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new Pipeline(journal, works.root(), List.of(transcode, upload), camel, metrics);
    }

    @BindToRegistry(lazy = true)
    public Transcoder transcoder(@BeanInject("transcodeStage") StageRunner stage,
                                 @BeanInject("transcodeSettings") TranscodeSettings settings,
                                 @BeanInject("journal") JobJournal journal, @BeanInject("fileRoots") FileRoots roots) {
        return new Transcoder(stage, settings, journal, roots);
    }

    @BindToRegistry(lazy = true)
    public Uploader uploader(@BeanInject("uploadStage") StageRunner stage,
                             @BeanInject("uploadSettings") UploadSettings upload,
                             @BeanInject("pipelineSettings") PipelineSettings settings,
                             @BeanInject("fileRoots") FileRoots roots,
                             @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new Uploader(stage, UploadTargets.create(upload), roots, settings.uploadDeleteLocal(), metrics);
    }

    @BindToRegistry(lazy = true)
    public JobsApi jobsApi(@BeanInject("journal") JobJournal journal) {
        return new JobsApi(journal);
    }

    @Override
    public void configure(CamelContext camel) {
        // read now, so that a wrong setting stops the start rather than the first job
        for (String settings : List.of("pipelineSettings", "transcodeSettings", "uploadSettings")) {
            camel.getRegistry().lookupByName(settings);
        }
    }
}
