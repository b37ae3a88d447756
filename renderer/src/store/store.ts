import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { initialJobsState, type JobsState } from './jobs-slice.js';
import { initialLibraryState, type LibraryState } from './library-slice.js';
import { initialSelectionState, type SelectionState } from './selection-slice.js';
import { initialSettingsState, type SettingsState } from './settings-slice.js';
import { initialUiState, type UiState } from './ui-slice.js';
import { initialVerifyState, type VerifyState } from './verify-slice.js';

/** One store, one key per slice; actions live in the ./*-actions.ts modules and run outside React. */
export interface AppState {
  jobs: JobsState;
  library: LibraryState;
  selection: SelectionState;
  settings: SettingsState;
  ui: UiState;
  verify: VerifyState;
}

export function initialState(): AppState {
  return {
    jobs: initialJobsState,
    library: initialLibraryState,
    selection: { ...initialSelectionState, ids: new Set() },
    settings: initialSettingsState,
    ui: initialUiState,
    verify: initialVerifyState,
  };
}

export const appStore = createStore<AppState>()(() => initialState());

/** Subscribes a component to the smallest slice of state it renders. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

export const getState = appStore.getState;

/** Updates one slice immutably. */
export function setSlice<K extends keyof AppState>(key: K, update: (slice: AppState[K]) => AppState[K]): void {
  appStore.setState((state) => {
    const next = update(state[key]);
    return next === state[key] ? state : { [key]: next };
  });
}

/** For tests: back to a fresh, empty state. */
export function resetStore(): void {
  appStore.setState(initialState(), true);
}
