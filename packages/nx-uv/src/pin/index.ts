export { pinRequirement, splitRequirement, type RequirementParts } from './requirement-pin';
export { applyPins, currentVersions, lockedRequirementNotice, planPins, planWorkspacePins, type PinPlan, type RequirementPin } from './plan';
export {
  JOURNAL_FORMAT,
  checkPins,
  PinRestoreError,
  isPinRestoreFailure,
  defaultJournalDir,
  hasJournal,
  pinChanges,
  pinFiles,
  readJournal,
  restorePins,
  withPins,
  type FileChange,
  type JournalFile,
  type PinConflict,
  type PinJournal,
  type PinOptions,
  type RestoreOptions,
  type RestoreReport,
  type WithPinsOptions,
} from './pin-journal';
export { atomicWriteFileSync, fsyncDir, removeStrayTemps, tempPathFor } from './atomic-write';
export { applyMemberPin, persistentPinId, planMemberPin, restoreAllPins, type MemberPinPlan, type PinLog } from './member-pin';
