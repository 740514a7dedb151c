package io.nglive.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.nglive.NodeSettings;
import io.nglive.ServerConfiguration;
import io.nglive.SettingsReader;
import io.nglive.api.JobsApi;
import io.nglive.central.CentralChannelConfiguration;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import io.nglive.journal.Replicas;
import io.nglive.danmaku.DanmakuSettings;
import io.nglive.danmaku.DanmakuStage;
import io.nglive.transcode.CoverStage;
import io.nglive.transcode.MediaProbe;
import io.nglive.transcode.TranscodeSettings;
import io.nglive.transcode.Transcoder;
import io.nglive.upload.UploadSettings;
import io.nglive.upload.UploadTarget;
import io.nglive.upload.UploadTargets;
import io.nglive.upload.Uploader;
import io.nglive.webhook.WorksPath;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;

/**
 * The stages routes/30-pipeline runs a job through (transcode, danmaku, the replica gate, upload), their targets, and
 * the job API.
 */
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
                metrics);
    }

    @BindToRegistry(lazy = true)
    public StageRunner uploadStage(@BeanInject("pipelineSettings") PipelineSettings settings,
                                   @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                   @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new StageRunner("upload", StageEvents.UPLOAD,
                new StageSlots("upload", settings.uploadWorkers()), journal, events, settings.progressInterval(),
                metrics);
    }

    @BindToRegistry(lazy = true)
    public Pipeline pipeline(CamelContext camel, @BeanInject("journal") JobJournal journal,
                             @BeanInject("fileRoots") FileRoots roots,
                             @BeanInject("pipelineSettings") PipelineSettings settings,
                             @BeanInject("transcodeStage") StageRunner transcode,
                             @BeanInject("danmakuStage") StageRunner danmaku,
                             @BeanInject("coverStage") StageRunner cover,
                             @BeanInject("uploadStage") StageRunner upload,
                             @BeanInject("pipelineMetrics") PipelineMetrics metrics,
                             @BeanInject("replicaGate") ReplicaGate gate) {
        return new Pipeline(journal, roots, settings.uploadDeleteLocal(), List.of(transcode, danmaku, cover, upload), camel,
                metrics, gate);
    }

    /** kamelet:replica-gate and the central server's uploadrole (routes/55-replicas). */
    @BindToRegistry(lazy = true)
    public ReplicaGate replicaGate(CamelContext camel, @BeanInject("database") Database database,
                                   @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                   @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new ReplicaGate(new Replicas(database.dataSource(), journal), journal, events, metrics,
                CentralChannelConfiguration.settings(camel.getRegistry()).isPresent());
    }

    /** The error policy's onExceptionOccurred for the stages (routes/00-error-handling). */
    @BindToRegistry(lazy = true)
    public Processor attemptFailed(@BeanInject("pipeline") Pipeline pipeline) {
        return pipeline::attemptFailed;
    }

    @BindToRegistry(lazy = true)
    public Transcoder transcoder(@BeanInject("transcodeStage") StageRunner stage,
                                 @BeanInject("transcodeSettings") TranscodeSettings settings,
                                 @BeanInject("danmakuSettings") DanmakuSettings danmaku,
                                 @BeanInject("journal") JobJournal journal, @BeanInject("fileRoots") FileRoots roots) {
        return new Transcoder(stage, settings, journal, roots, danmaku.burn());
    }

    /** The default target ({@code nglive.upload.*}) and every named one ({@code nglive.targets.<name>.*}). */
    @BindToRegistry(lazy = true)
    public Map<String, UploadSettings> uploadTargets(@BeanInject("settings") SettingsReader settings) {
        return UploadSettings.all(settings);
    }

    @BindToRegistry(lazy = true)
    public Uploader uploader(@BeanInject("uploadStage") StageRunner stage,
                             @BeanInject("uploadTargets") Map<String, UploadSettings> targets,
                             @BeanInject("journal") JobJournal journal,
                             @BeanInject("fileRoots") FileRoots roots,
                             @BeanInject("pipelineMetrics") PipelineMetrics metrics,
                             @BeanInject("nglive-db") DataSource database) {
        Map<String, UploadTarget> made = new LinkedHashMap<>();
        targets.forEach((name, settings) -> made.put(name, UploadTargets.create(settings, name, database)));
        return new Uploader(stage, made, journal, roots, metrics);
    }

    @BindToRegistry(lazy = true)
    public StageRunner coverStage(@BeanInject("pipelineSettings") PipelineSettings settings,
                                  @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                  @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        // one picture takes a fraction of a second of one ffmpeg
        return bonusStage("cover", StageEvents.COVER, settings, journal, events, metrics);
    }

    /**
     * A stage whose output the job can do without (a cover, subtitles): one run at a time, never retried (the same
     * input fails the same way), its failure the stage's only.
     */
    private static StageRunner bonusStage(String stage, StageEvents names, PipelineSettings settings,
                                          JobJournal journal, EventLog events, PipelineMetrics metrics) {
        return new StageRunner(stage, names, new StageSlots(stage, 1), journal, events, settings.progressInterval(),
                metrics);
    }

    @BindToRegistry(lazy = true)
    public CoverStage cover(@BeanInject("coverStage") StageRunner stage,
                            @BeanInject("transcodeSettings") TranscodeSettings settings,
                            @BeanInject("journal") JobJournal journal, @BeanInject("fileRoots") FileRoots roots) {
        return new CoverStage(stage, settings, journal, roots);
    }

    @BindToRegistry(lazy = true)
    public DanmakuSettings danmakuSettings(@BeanInject("settings") SettingsReader settings) {
        return DanmakuSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public StageRunner danmakuStage(@BeanInject("pipelineSettings") PipelineSettings settings,
                                    @BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                                    @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        // a conversion takes a second or two of one core
        return bonusStage("danmaku", StageEvents.DANMAKU, settings, journal, events, metrics);
    }

    @BindToRegistry(lazy = true)
    public DanmakuStage danmaku(@BeanInject("danmakuStage") StageRunner stage,
                                @BeanInject("danmakuSettings") DanmakuSettings settings,
                                @BeanInject("transcodeSettings") TranscodeSettings transcode,
                                @BeanInject("journal") JobJournal journal, @BeanInject("fileRoots") FileRoots roots) {
        return new DanmakuStage(stage, settings, new MediaProbe(transcode.ffprobe()), journal, roots);
    }

    @BindToRegistry(lazy = true)
    public JobsApi jobsApi(@BeanInject("journal") JobJournal journal) {
        return new JobsApi(journal);
    }

    @Override
    public void configure(CamelContext camel) {
        // read now, so that a wrong setting stops the start rather than the first job
        for (String settings : List.of("pipelineSettings", "transcodeSettings", "uploadTargets", "danmakuSettings")) {
            camel.getRegistry().lookupByName(settings);
        }
    }
}
