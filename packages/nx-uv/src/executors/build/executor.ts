import { notBuiltYet } from '../not-built-yet';

export default notBuiltYet('build');
