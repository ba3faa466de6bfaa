// Values that the Pulumi components and the host scripts must agree on. The components import
// them; the host gets them through host.env and rendered units, so each is spelled once.

/** CloudWatch namespace of the host's metrics: mlflow-monitor writes it, the alarms and the role's policy read it. */
export const METRIC_NAMESPACE = "MLflowOnAws";

/** Percent of the data volume in use at which mlflow-monitor warns in the journal and the disk alarm fires. */
export const DISK_WARN_PERCENT = 85;

/** Daily EBS snapshot of the data volume (Data Lifecycle Manager, HH:MM UTC). */
export const SNAPSHOT_TIME_UTC = "03:00";

/**
 * Daily consistent copy of the database onto the volume (mlflow-backup.timer, HH:MM UTC): early
 * enough before the snapshot that the copy is complete when it is taken.
 */
export const BACKUP_TIME_UTC = "02:30";

/**
 * Failed checks in a row after which mlflow-watchdog restarts MLflow or nginx; its timer checks
 * every minute, so a hung server is restarted within about this many minutes.
 */
export const WATCHDOG_FAILED_CHECKS = 3;

/**
 * Daily garbage collection of deleted runs and experiments (mlflow-gc.timer, HH:MM UTC): after the
 * snapshot, so that what it removes is still in that day's snapshot (and, with RDS, its backups).
 */
export const GC_TIME_UTC = "04:00";
