import { ForbiddenException } from '@nestjs/common';
import { hallScope } from './hall-scope';
import type { AuthUser } from '../dtos/auth.types';

const manager: AuthUser = { username: 'm', role: 'hall_manager', halls: ['h1', 't2'] };
const evaluator: AuthUser = { username: 'e', role: 'evaluator', halls: [] };

describe('hallScope', () => {
  it('gives a hall manager its own halls, and the one asked for if it is among them', () => {
    expect(hallScope(manager)).toEqual(['h1', 't2']);
    expect(hallScope(manager, 't2')).toEqual(['t2']);
  });

  it('forbids a hall manager another hall', () => {
    expect(() => hallScope(manager, 'h9')).toThrow(ForbiddenException);
  });

  it('lets evaluators, supervisors and admins see every hall', () => {
    expect(hallScope(evaluator)).toBeUndefined();
    expect(hallScope({ ...evaluator, role: 'supervisor' }, 'h9')).toEqual(['h9']);
  });
});
