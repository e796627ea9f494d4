/** Reading built Python distributions (wheels, sdists) without Python: their core metadata. */
export { DistributionFormatError } from './errors';
export { listZipEntries, readZipEntry, type ZipEntry } from './zip';
export { listTarEntries, listTarGzEntries, type TarEntry } from './tar';
export { metadataValue, metadataValues, parseCoreMetadata, type CoreMetadata } from './core-metadata';
export {
  distributionKind,
  readDistributionMetadata,
  readSdistMetadata,
  readWheelMetadata,
  type DistributionKind,
  type DistributionMetadata,
} from './distribution';
