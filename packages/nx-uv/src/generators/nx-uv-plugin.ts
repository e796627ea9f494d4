export { findPluginIndex, PLUGIN_NAME, readPluginOptions } from '../plugin-entry';
