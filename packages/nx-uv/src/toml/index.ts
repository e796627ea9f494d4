export { TomlEditError } from './errors';
export { formatKeyPath, lookup, parseTomlAst, requireValue, type Lookup, type TomlValueNode } from './locate';
export { escapeBasic, fitsLiteral, formatTomlString, type TomlStringStyle } from './string-literal';
export { getStringValue, mapArrayStrings, replaceArrayString, setStringValue, type ArrayElementSelector } from './edit';
export { HATCH_DEFAULT_VERSION_PATTERN, pythonPatternToRegExp, readPythonVersionAssignment, setPythonVersionAssignment } from './python-version';
